"""Demo catalog of transferred items (划转事项) of a Chinese district; `seed_items()`.

Idempotent: items are matched by code and brought back to these values; supervision
departments are looked up by code (organizations/demo.py) and silently skipped if missing.
"""

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from organizations.models import Department

from .models import ApprovalItem, CreditMode, ImportantCategory, ItemSampleText

PROCEDURE = "申请—受理—审查—决定—送达"
PROCEDURE_SITE = "申请—受理—审查（含现场核查）—决定—送达"
PROCEDURE_COMMITMENT = (
    "申请人签署告知承诺书—受理—审查—当场作出决定—送达；审批部门在作出决定后按规定对承诺内容进行核查"
)
PROCEDURE_CREDIT_EXEMPT = "申请人签署信用承诺书—受理—审查（免于现场核验）—当场作出决定—送达"
PROCEDURE_CREDIT_POST = (
    "申请人签署信用承诺书—受理—审查—当场作出决定—送达—10个工作日内后置核验承诺内容"
)
PROCEDURE_HEARING = "申请—受理—审查（征求监管部门意见、利害关系人意见，必要时组织听证）—决定—送达"
NO_FEE = "不收费"
NO_LIMIT = "无数量限制"

ITEMS: list[dict[str, Any]] = [
    {
        "code": "food-business",
        "name": "食品经营许可",
        "departments": ["scjg"],
        "integrated_licence": True,
        "credit_mode": CreditMode.EXEMPT,
        "legal_basis": (
            "《中华人民共和国食品安全法》第三十五条\n"
            "《中华人民共和国食品安全法实施条例》\n"
            "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）"
        ),
        "conditions": (
            "1. 具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所；\n"
            "2. 具有与经营的食品品种、数量相适应的经营设备或者设施；\n"
            "3. 有专职或者兼职的食品安全总监、食品安全员等食品安全管理人员"
            "和保证食品安全的规章制度；\n"
            "4. 具有合理的设备布局和工艺流程，防止交叉污染；\n"
            "5. 法律、法规规定的其他条件。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_CREDIT_EXEMPT,
        "time_limit": "法定时限：10个工作日；承诺时限：3个工作日（信用承诺当场办结）",
        "fees": NO_FEE,
        "materials": (
            "1. 食品经营许可申请书；\n"
            "2. 营业执照或者其他主体资格证明文件复印件；\n"
            "3. 与食品经营相适应的主要设备设施、经营布局、操作流程等文件；\n"
            "4. 食品安全自查、从业人员健康管理、进货查验记录等食品安全管理制度；\n"
            "5. 委托他人办理的，提交授权委托书及代理人身份证明。"
        ),
        "samples": ["食品经营许可申请书（示范文本）", "信用承诺书（示范文本）"],
    },
    {
        "code": "food-workshop",
        "name": "食品小作坊登记",
        "departments": ["scjg"],
        "notification_commitment": True,
        "legal_basis": (
            "《中华人民共和国食品安全法》第三十六条\n"
            "《山东省食品小作坊小餐饮和食品摊点管理条例》第九条"
        ),
        "conditions": (
            "1. 有固定的生产加工场所，与有毒、有害场所以及其他污染源保持规定的距离；\n"
            "2. 有与生产加工的食品品种、数量相适应的设备设施；\n"
            "3. 从业人员取得健康证明；\n"
            "4. 具有保证食品安全的管理制度。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_COMMITMENT,
        "time_limit": "法定时限：15个工作日；承诺时限：当场办结",
        "fees": NO_FEE,
        "materials": (
            "1. 食品小作坊登记申请表；\n"
            "2. 营业执照复印件；\n"
            "3. 生产加工场所平面图及周边环境示意图；\n"
            "4. 从业人员健康证明；\n"
            "5. 告知承诺书。"
        ),
    },
    {
        "code": "pharmacy-retail",
        "name": "药品零售企业经营许可",
        "departments": ["scjg"],
        "integrated_licence": True,
        "credit_mode": CreditMode.POST_VERIFICATION,
        "legal_basis": (
            "《中华人民共和国药品管理法》第五十一条、第五十二条\n"
            "《中华人民共和国药品管理法实施条例》第十二条\n"
            "《药品经营和使用质量监督管理办法》（国家市场监督管理总局令第84号）"
        ),
        "conditions": (
            "1. 有依法经过资格认定的药师或者其他药学技术人员；\n"
            "2. 有与所经营药品相适应的营业场所、设备、仓储设施和卫生环境；\n"
            "3. 有与所经营药品相适应的质量管理机构或者人员；\n"
            "4. 有保证药品质量的规章制度，符合药品经营质量管理规范要求。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_CREDIT_POST,
        "time_limit": (
            "法定时限：20个工作日；承诺时限：5个工作日（信用承诺当场办结，10个工作日内核验）"
        ),
        "fees": NO_FEE,
        "materials": (
            "1. 药品经营许可证申请表；\n"
            "2. 质量负责人、执业药师的身份证明、学历及执业资格证书；\n"
            "3. 营业场所、仓库平面布置图及房屋产权或者使用权证明；\n"
            "4. 质量管理文件及主要设施设备目录；\n"
            "5. 信用承诺书。"
        ),
        "samples": ["药品经营许可证申请表（示范文本）"],
    },
    {
        "code": "public-place-hygiene",
        "name": "公共场所卫生许可",
        "departments": ["wsjk"],
        "integrated_licence": True,
        "notification_commitment": True,
        "legal_basis": (
            "《公共场所卫生管理条例》第四条、第八条\n《公共场所卫生管理条例实施细则》第二十二条"
        ),
        "conditions": (
            "1. 场所选址、布局、设施设备符合卫生标准和卫生规范要求；\n"
            "2. 建立卫生管理制度，配备专（兼）职卫生管理人员；\n"
            "3. 从业人员取得有效健康合格证明；\n"
            "4. 空气、微小气候、水质、采光、照明、噪声、顾客用具等符合国家卫生标准。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_COMMITMENT,
        "time_limit": "法定时限：20个工作日；承诺时限：当场办结",
        "fees": NO_FEE,
        "materials": (
            "1. 公共场所卫生许可申请表；\n"
            "2. 营业执照复印件；\n"
            "3. 经营场所平面布局图及卫生设施设备清单；\n"
            "4. 从业人员健康合格证明；\n"
            "5. 公共场所卫生许可告知承诺书。"
        ),
        "samples": ["公共场所卫生许可告知承诺书（示范文本）"],
    },
    {
        "code": "medical-institution",
        "name": "医疗机构执业登记",
        "departments": ["wsjk"],
        "legal_basis": (
            "《医疗机构管理条例》第十五条、第十六条\n《医疗机构管理条例实施细则》第二十五条"
        ),
        "conditions": (
            "1. 按照规定应当办理设置医疗机构批准书的，已取得设置医疗机构批准书；\n"
            "2. 符合医疗机构的基本标准；\n"
            "3. 有适合的名称、组织机构和场所；\n"
            "4. 有与其开展的业务相适应的经费、设施、设备和专业卫生技术人员；\n"
            "5. 有相应的规章制度；\n"
            "6. 能够独立承担民事责任。"
        ),
        "quantity_limits": "符合区域卫生规划和医疗机构设置规划",
        "procedure": PROCEDURE_SITE,
        "time_limit": "法定时限：45日；承诺时限：15个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 医疗机构执业登记申请书；\n"
            "2. 医疗机构用房产权证明或者使用证明；\n"
            "3. 医疗机构建筑设计平面图；\n"
            "4. 验资证明、资产评估报告；\n"
            "5. 医疗机构规章制度；\n"
            "6. 医疗机构法定代表人或者主要负责人以及各科室负责人名录"
            "和有关资格证书、执业证书复印件。"
        ),
    },
    {
        "code": "maternal-infant-care",
        "name": "母婴保健技术服务执业许可",
        "departments": ["wsjk"],
        "legal_basis": (
            "《中华人民共和国母婴保健法》第三十二条\n《中华人民共和国母婴保健法实施办法》第三十五条"
        ),
        "conditions": (
            "1. 符合当地医疗保健机构设置规划；\n"
            "2. 取得医疗机构执业许可证；\n"
            "3. 具有符合规定条件的专业技术人员；\n"
            "4. 具有与所开展技术服务相适应的设备设施。"
        ),
        "quantity_limits": "符合区域医疗卫生服务体系规划",
        "procedure": PROCEDURE_SITE,
        "time_limit": "法定时限：20个工作日；承诺时限：10个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 母婴保健技术服务执业许可申请登记书；\n"
            "2. 医疗机构执业许可证副本复印件；\n"
            "3. 专业技术人员名单及资格证明；\n"
            "4. 相关设备设施清单。"
        ),
    },
    {
        "code": "construction-permit",
        "name": "建筑工程施工许可",
        "departments": ["zjj", "yjgl"],
        "important_category": ImportantCategory.MAJOR_INVESTMENT,
        "legal_basis": (
            "《中华人民共和国建筑法》第七条、第八条\n"
            "《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）第二条、第四条"
        ),
        "conditions": (
            "1. 依法应当办理用地批准手续的，已经办理该建筑工程用地批准手续；\n"
            "2. 依法应当办理建设工程规划许可证的，已经取得建设工程规划许可证；\n"
            "3. 施工场地已经基本具备施工条件；\n"
            "4. 已经确定施工企业；\n"
            "5. 有满足施工需要的技术资料，施工图设计文件已按规定审查合格；\n"
            "6. 有保证工程质量和安全的具体措施；\n"
            "7. 建设资金已经落实。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_HEARING,
        "time_limit": "法定时限：15日；承诺时限：3个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 建筑工程施工许可证申请表；\n"
            "2. 建设工程规划许可证（依法应当办理的）；\n"
            "3. 中标通知书或者直接发包批准文件及施工合同；\n"
            "4. 施工图审查合格书；\n"
            "5. 建设资金落实承诺书；\n"
            "6. 质量安全监督手续相关材料。"
        ),
        "samples": ["建筑工程施工许可证申请表（示范文本）"],
    },
    {
        "code": "fire-design-review",
        "name": "建设工程消防设计审查",
        "departments": ["zjj"],
        "legal_basis": (
            "《中华人民共和国消防法》第十一条\n"
            "《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）第十四条"
        ),
        "conditions": (
            "1. 属于特殊建设工程；\n"
            "2. 消防设计文件编制符合相应建设工程消防技术标准的要求；\n"
            "3. 依法需要专家评审的，已经通过特殊消防设计技术资料专家评审。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE,
        "time_limit": "法定时限：15个工作日；承诺时限：10个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 消防设计审查申请表；\n"
            "2. 消防设计文件；\n"
            "3. 依法需要办理建设工程规划许可的，提交建设工程规划许可文件；\n"
            "4. 依法需要批准的临时性建筑，提交批准文件。"
        ),
    },
    {
        "code": "drainage-permit",
        "name": "城镇污水排入排水管网许可",
        "departments": ["zjj", "sthj"],
        "notification_commitment": True,
        "credit_mode": CreditMode.POST_VERIFICATION,
        "legal_basis": (
            "《城镇排水与污水处理条例》第二十一条\n"
            "《城镇污水排入排水管网许可管理办法》（住房和城乡建设部令第21号）第五条"
        ),
        "conditions": (
            "1. 排放口的设置符合城镇排水与污水处理规划的要求；\n"
            "2. 按照国家有关规定建设相应的预处理设施和水质、水量检测设施；\n"
            "3. 排放的污水符合国家或者地方规定的有关排放标准；\n"
            "4. 法律、法规规定的其他条件。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_COMMITMENT,
        "time_limit": "法定时限：15日；承诺时限：当场办结（10个工作日内核验）",
        "fees": NO_FEE,
        "materials": (
            "1. 排水许可申请表；\n"
            "2. 排水户内部排水管网、专用检测井、污水排放口位置和口径的图纸及说明等材料；\n"
            "3. 按规定建设污水预处理设施的有关材料；\n"
            "4. 排水水质符合标准的检测报告；\n"
            "5. 告知承诺书。"
        ),
    },
    {
        "code": "road-excavation",
        "name": "占用、挖掘城市道路审批",
        "departments": ["zhzf", "zjj"],
        "legal_basis": ("《城市道路管理条例》第三十条、第三十一条、第三十三条"),
        "conditions": (
            "1. 因特殊情况确需临时占用城市道路或者因工程建设确需挖掘城市道路；\n"
            "2. 有经批准的占用、挖掘方案和交通组织方案；\n"
            "3. 承诺按期恢复道路原状并缴纳修复费用。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_SITE,
        "time_limit": "法定时限：20个工作日；承诺时限：5个工作日",
        "fees": "城市道路占用费、挖掘修复费按山东省物价部门核定标准收取",
        "materials": (
            "1. 占用、挖掘城市道路申请表；\n"
            "2. 施工方案及平面位置图；\n"
            "3. 交通组织方案；\n"
            "4. 道路恢复承诺书。"
        ),
    },
    {
        "code": "special-vehicle-road",
        "name": "特殊车辆在城市道路上行驶审批",
        "departments": ["zhzf"],
        "credit_mode": CreditMode.EXEMPT,
        "legal_basis": "《城市道路管理条例》第二十八条",
        "conditions": (
            "1. 履带车、铁轮车或者超重、超高、超长车辆确需在城市道路上行驶；\n"
            "2. 有按照指定时间、路线行驶的方案；\n"
            "3. 对可能损坏道路的，已采取相应的保护措施。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_CREDIT_EXEMPT,
        "time_limit": "法定时限：20个工作日；承诺时限：当场办结",
        "fees": NO_FEE,
        "materials": (
            "1. 特殊车辆在城市道路上行驶申请表；\n"
            "2. 车辆行驶证、驾驶人驾驶证复印件；\n"
            "3. 行驶路线图及时间安排；\n"
            "4. 信用承诺书。"
        ),
    },
    {
        "code": "outdoor-advertising",
        "name": "户外广告设施设置审批",
        "departments": ["zhzf"],
        "credit_mode": CreditMode.EXEMPT,
        "legal_basis": (
            "《城市市容和环境卫生管理条例》第十一条\n《山东省城市市容和环境卫生管理条例》"
        ),
        "conditions": (
            "1. 符合户外广告设施设置规划和技术规范；\n"
            "2. 设施结构安全，与周边环境相协调；\n"
            "3. 不影响交通安全、消防安全和城市景观。"
        ),
        "quantity_limits": "按照户外广告设施设置规划确定的点位数量",
        "procedure": PROCEDURE_CREDIT_EXEMPT,
        "time_limit": "法定时限：20个工作日；承诺时限：当场办结",
        "fees": NO_FEE,
        "materials": (
            "1. 户外广告设施设置申请表；\n"
            "2. 设置地点的场地使用证明；\n"
            "3. 设施设计效果图、结构图及安全说明；\n"
            "4. 信用承诺书。"
        ),
    },
    {
        "code": "construction-waste",
        "name": "城市建筑垃圾处置核准",
        "departments": ["zhzf"],
        "legal_basis": (
            "《国务院对确需保留的行政审批项目设定行政许可的决定》附件第101项\n"
            "《城市建筑垃圾管理规定》（建设部令第139号）第七条"
        ),
        "conditions": (
            "1. 提交建筑垃圾处置计划和场地平面图；\n"
            "2. 有消纳场地的证明或者与消纳场地签订的协议；\n"
            "3. 运输单位具有合法的道路运输经营许可证、车辆行驶证；\n"
            "4. 运输车辆具备全密闭运输机械装置或密闭苫盖装置。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE,
        "time_limit": "法定时限：20个工作日；承诺时限：3个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 城市建筑垃圾处置核准申请表；\n"
            "2. 建筑垃圾处置计划；\n"
            "3. 消纳场地证明或者协议；\n"
            "4. 运输单位及车辆相关证明材料。"
        ),
    },
    {
        "code": "road-freight",
        "name": "道路货物运输经营许可",
        "departments": ["jtys"],
        "notification_commitment": True,
        "credit_mode": CreditMode.POST_VERIFICATION,
        "legal_basis": (
            "《中华人民共和国道路运输条例》第二十一条、第二十四条\n"
            "《道路货物运输及站场管理规定》（交通运输部令2023年第12号）第六条"
        ),
        "conditions": (
            "1. 有与其经营业务相适应并经检测合格的车辆；\n"
            "2. 有符合规定条件的驾驶人员；\n"
            "3. 有健全的安全生产管理制度。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_COMMITMENT,
        "time_limit": "法定时限：20日；承诺时限：当场办结（10个工作日内核验）",
        "fees": NO_FEE,
        "materials": (
            "1. 道路货物运输经营申请表；\n"
            "2. 负责人身份证明，经办人的身份证明和委托书；\n"
            "3. 机动车辆行驶证、车辆技术等级评定结论复印件；\n"
            "4. 聘用或者拟聘用驾驶员的机动车驾驶证、从业资格证；\n"
            "5. 安全生产管理制度文本；\n"
            "6. 告知承诺书。"
        ),
        "samples": ["道路货物运输经营申请表（示范文本）"],
    },
    {
        "code": "taxi-business",
        "name": "巡游出租汽车经营许可",
        "departments": ["jtys"],
        "legal_basis": (
            "《国务院对确需保留的行政审批项目设定行政许可的决定》附件第112项\n"
            "《巡游出租汽车经营服务管理规定》（交通运输部令2021年第16号）第八条"
        ),
        "conditions": (
            "1. 有符合机动车管理要求并满足规定条件的车辆或者提供保证满足规定条件的车辆承诺书；\n"
            "2. 有取得符合要求的从业资格证件的驾驶人员；\n"
            "3. 有健全的经营管理制度、安全生产管理制度和服务质量保障制度；\n"
            "4. 有固定的经营场所和停车场地。"
        ),
        "quantity_limits": "按照出租汽车运力规模总量控制计划，通过服务质量招投标方式配置",
        "procedure": PROCEDURE_HEARING,
        "time_limit": "法定时限：20日；承诺时限：10个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 巡游出租汽车经营申请表；\n"
            "2. 投资人、负责人身份、资信证明及其复印件；\n"
            "3. 巡游出租汽车车辆经营权证明及拟投入车辆承诺书；\n"
            "4. 聘用或者拟聘用驾驶员从业资格证及其复印件；\n"
            "5. 经营管理制度、安全生产管理制度和服务质量保障制度文本；\n"
            "6. 经营场所、停车场地有关使用证明。"
        ),
    },
    {
        "code": "entertainment-venue",
        "name": "娱乐场所经营许可",
        "departments": ["whly"],
        "integrated_licence": True,
        "legal_basis": (
            "《娱乐场所管理条例》第九条\n《娱乐场所管理办法》（文化和旅游部令第2号修订）第七条"
        ),
        "conditions": (
            "1. 符合娱乐场所管理条例规定的设立条件，不在居民楼、学校、医院等禁止区域内；\n"
            "2. 使用面积、设施设备符合文化和旅游部规定的标准；\n"
            "3. 投资人员、拟任法定代表人和其他负责人没有禁止从业的情形；\n"
            "4. 消防、环境保护等符合有关规定。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_HEARING,
        "time_limit": "法定时限：20日；承诺时限：10个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 娱乐场所经营许可申请书；\n"
            "2. 营业执照复印件；\n"
            "3. 投资人、法定代表人、主要负责人的有效身份证件及无犯罪记录声明；\n"
            "4. 场所平面示意图及房屋使用证明；\n"
            "5. 消防、环保相关证明材料。"
        ),
    },
    {
        "code": "internet-cafe",
        "name": "互联网上网服务营业场所经营单位设立审批",
        "departments": ["whly"],
        "credit_mode": CreditMode.POST_VERIFICATION,
        "legal_basis": ("《互联网上网服务营业场所管理条例》第七条、第八条、第十条"),
        "conditions": (
            "1. 有企业的名称、住所、组织机构和章程；\n"
            "2. 有与其经营活动相适应的资金；\n"
            "3. 有与其经营活动相适应并符合国家规定的消防安全条件的营业场所；\n"
            "4. 有健全、完善的信息网络安全管理制度和安全技术措施；\n"
            "5. 有固定的网络地址和与其经营活动相适应的计算机等装置及附属设备；\n"
            "6. 营业场所距中学、小学校园出入口最近距离不少于200米。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_CREDIT_POST,
        "time_limit": "法定时限：20个工作日；承诺时限：当场办结（10个工作日内核验）",
        "fees": NO_FEE,
        "materials": (
            "1. 网络文化经营许可证申请表；\n"
            "2. 营业执照复印件；\n"
            "3. 法定代表人或主要负责人身份证明；\n"
            "4. 营业场所产权证明或租赁合同；\n"
            "5. 信息网络安全管理制度；\n"
            "6. 信用承诺书。"
        ),
    },
    {
        "code": "publication-retail",
        "name": "出版物零售业务经营许可",
        "departments": ["whly"],
        "notification_commitment": True,
        "credit_mode": CreditMode.EXEMPT,
        "legal_basis": (
            "《出版管理条例》第三十五条、第三十七条\n"
            "《出版物市场管理规定》（国家新闻出版广电总局、商务部令第10号）第八条"
        ),
        "conditions": (
            "1. 已完成工商注册登记，具有法人资格或者为个体工商户；\n"
            "2. 有固定的经营场所；\n"
            "3. 法定代表人或者主要负责人、经营场所及设施符合规定。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_COMMITMENT,
        "time_limit": "法定时限：20个工作日；承诺时限：当场办结",
        "fees": NO_FEE,
        "materials": (
            "1. 出版物零售业务经营许可申请书；\n"
            "2. 营业执照复印件；\n"
            "3. 经营场所使用证明；\n"
            "4. 告知承诺书。"
        ),
    },
    {
        "code": "travel-agency",
        "name": "旅行社业务经营许可",
        "departments": ["whly"],
        "notification_commitment": True,
        "legal_basis": (
            "《中华人民共和国旅游法》第二十八条、第二十九条\n《旅行社条例》第六条、第七条"
        ),
        "conditions": (
            "1. 有固定的经营场所；\n"
            "2. 有必要的营业设施；\n"
            "3. 有符合规定的导游和领队等专业人员；\n"
            "4. 按照规定交存旅游服务质量保证金。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_COMMITMENT,
        "time_limit": "法定时限：20个工作日；承诺时限：当场办结",
        "fees": "不收费（旅游服务质量保证金依法交存，不属于收费）",
        "materials": (
            "1. 设立旅行社申请书；\n"
            "2. 法定代表人履历表及身份证明；\n"
            "3. 经营场所证明；\n"
            "4. 营业设施、设备的证明或者说明；\n"
            "5. 告知承诺书。"
        ),
    },
    {
        "code": "hazchem-business",
        "name": "危险化学品经营许可",
        "departments": ["yjgl"],
        "important_category": ImportantCategory.WORK_SAFETY,
        "legal_basis": (
            "《中华人民共和国安全生产法》\n"
            "《危险化学品安全管理条例》第三十三条、第三十四条、第三十五条\n"
            "《危险化学品经营许可证管理办法》（国家安全生产监督管理总局令第55号）"
        ),
        "conditions": (
            "1. 有符合国家标准、行业标准的经营场所，储存危险化学品的，还应当有符合国家标准、"
            "行业标准的储存设施；\n"
            "2. 从业人员经过专业技术培训并经考核合格；\n"
            "3. 有健全的安全管理规章制度；\n"
            "4. 有专职安全管理人员；\n"
            "5. 有符合国家规定的危险化学品事故应急预案和必要的应急救援器材、设备。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_HEARING,
        "time_limit": "法定时限：30日；承诺时限：15个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 危险化学品经营许可证申请表；\n"
            "2. 安全生产规章制度和岗位操作规程目录清单；\n"
            "3. 企业主要负责人、安全生产管理人员、特种作业人员的相关资格证书；\n"
            "4. 经营场所产权证明或者租赁证明；\n"
            "5. 危险化学品事故应急预案备案登记表；\n"
            "6. 储存设施安全评价报告（带有储存设施的）。"
        ),
        "samples": ["危险化学品经营许可证申请表（示范文本）"],
    },
    {
        "code": "fireworks-retail",
        "name": "烟花爆竹经营（零售）许可",
        "departments": ["yjgl", "zhzf"],
        "important_category": ImportantCategory.WORK_SAFETY,
        "legal_basis": (
            "《烟花爆竹安全管理条例》第十九条\n"
            "《烟花爆竹经营许可实施办法》（国家安全生产监督管理总局令第65号）第十六条"
        ),
        "conditions": (
            "1. 符合所在地县级安全监管部门制定的零售经营布点规划；\n"
            "2. 主要负责人经过安全培训合格，销售人员经过安全知识教育；\n"
            "3. 零售场所的面积、存放数量和安全条件符合规定；\n"
            "4. 有安全管理制度和事故应急措施。"
        ),
        "quantity_limits": "按照零售经营布点规划确定的网点数量",
        "procedure": PROCEDURE_SITE,
        "time_limit": "法定时限：20日；承诺时限：5个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 烟花爆竹经营（零售）许可证申请书；\n"
            "2. 主要负责人安全培训合格证明；\n"
            "3. 零售场所产权证明或者租赁合同；\n"
            "4. 安全管理制度和事故应急措施。"
        ),
    },
    {
        "code": "pollutant-discharge",
        "name": "排污许可",
        "departments": ["sthj"],
        "important_category": ImportantCategory.ECOLOGY,
        "legal_basis": (
            "《中华人民共和国环境保护法》第四十五条\n"
            "《中华人民共和国大气污染防治法》第十九条\n"
            "《排污许可管理条例》第二条、第十一条"
        ),
        "conditions": (
            "1. 依法取得建设项目环境影响报告书（表）批准文件，"
            "或者已经办理环境影响登记表备案手续；\n"
            "2. 污染物排放符合污染物排放标准要求，重点污染物排放符合排污许可证申请与核发技术规范、"
            "环境影响报告书（表）批准文件、重点污染物排放总量控制要求；\n"
            "3. 采用污染防治设施可以达到许可排放浓度要求或者符合污染防治可行技术；\n"
            "4. 自行监测方案的监测点位、指标、频次等符合国家自行监测规范。"
        ),
        "quantity_limits": "重点污染物排放总量控制指标内",
        "procedure": PROCEDURE_HEARING,
        "time_limit": (
            "法定时限：30日（实行重点管理的）/15日（实行简化管理的）；承诺时限：10个工作日"
        ),
        "fees": NO_FEE,
        "materials": (
            "1. 排污许可证申请表；\n"
            "2. 自行监测方案；\n"
            "3. 由排污单位法定代表人或者主要负责人签字或者盖章的承诺书；\n"
            "4. 排污单位有关排污口规范化的情况说明；\n"
            "5. 建设项目环境影响报告书（表）批准文件或者环境影响登记表备案材料。"
        ),
        "samples": ["排污许可证申请表（示范文本）"],
    },
    {
        "code": "eia-approval",
        "name": "建设项目环境影响评价文件审批",
        "departments": ["sthj"],
        "important_category": ImportantCategory.ECOLOGY,
        "legal_basis": (
            "《中华人民共和国环境影响评价法》第二十二条\n《建设项目环境保护管理条例》第九条"
        ),
        "conditions": (
            "1. 建设项目类型及其选址、布局、规模等符合环境保护法律法规和相关法定规划；\n"
            "2. 所在区域环境质量满足国家或者地方环境质量标准，"
            "或者采取的措施可满足区域环境质量改善目标；\n"
            "3. 采取的污染防治措施能够确保污染物排放达到国家和地方排放标准；\n"
            "4. 环境影响报告书（表）的基础资料数据真实，内容完整，评价结论明确、合理。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_HEARING,
        "time_limit": (
            "法定时限：报告书60日、报告表30日；承诺时限：报告书20个工作日、报告表10个工作日"
        ),
        "fees": NO_FEE,
        "materials": (
            "1. 建设项目环境影响评价文件审批申请表；\n"
            "2. 环境影响报告书（表）；\n"
            "3. 公众参与说明（编制报告书的）；\n"
            "4. 按规定删除涉及国家秘密、商业秘密等内容的公开版本。"
        ),
    },
    {
        "code": "water-abstraction",
        "name": "取水许可",
        "departments": ["slj"],
        "important_category": ImportantCategory.STRATEGIC_RESOURCES,
        "legal_basis": (
            "《中华人民共和国水法》第七条、第四十八条\n"
            "《取水许可和水资源费征收管理条例》第二条、第十一条"
        ),
        "conditions": (
            "1. 取水符合水资源规划、水量分配方案和用水总量控制指标；\n"
            "2. 已编制建设项目水资源论证报告并通过审查；\n"
            "3. 取水、退水不影响第三者合法权益和生态环境。"
        ),
        "quantity_limits": "在区域用水总量控制指标内",
        "procedure": PROCEDURE_HEARING,
        "time_limit": "法定时限：45日；承诺时限：20个工作日",
        "fees": "不收费（水资源税依法另行缴纳）",
        "materials": (
            "1. 取水许可申请书；\n"
            "2. 建设项目水资源论证报告；\n"
            "3. 与第三者利害关系的相关说明；\n"
            "4. 属于备案项目的，提供有关备案材料。"
        ),
    },
    {
        "code": "river-works",
        "name": "河道管理范围内建设项目工程建设方案审批",
        "departments": ["slj"],
        "legal_basis": (
            "《中华人民共和国水法》第三十八条\n"
            "《中华人民共和国防洪法》第二十七条\n"
            "《中华人民共和国河道管理条例》第十一条"
        ),
        "conditions": (
            "1. 符合江河流域综合规划和防洪规划；\n"
            "2. 符合防洪标准、岸线规划、航运要求和其他技术要求；\n"
            "3. 不危害堤防安全，不影响河势稳定，不妨碍行洪畅通。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_SITE,
        "time_limit": "法定时限：20个工作日；承诺时限：10个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 河道管理范围内建设项目申请书；\n"
            "2. 防洪评价报告；\n"
            "3. 建设项目所依据的文件；\n"
            "4. 建设项目涉及河道与防洪部分的初步方案。"
        ),
    },
    {
        "code": "private-school",
        "name": "民办学校办学许可",
        "departments": ["jyty"],
        "legal_basis": (
            "《中华人民共和国民办教育促进法》第十二条、第十八条\n"
            "《中华人民共和国民办教育促进法实施条例》"
        ),
        "conditions": (
            "1. 举办者具有政治权利和完全民事行为能力，或为具有法人资格的社会组织；\n"
            "2. 有符合规定的学校章程、决策机构和办学资金；\n"
            "3. 有符合设置标准的校舍、场地和教学设施设备；\n"
            "4. 有具备相应资格的校长、教师和管理人员。"
        ),
        "quantity_limits": "符合本区教育事业发展规划",
        "procedure": PROCEDURE_SITE,
        "time_limit": "法定时限：3个月（筹设30日）；承诺时限：20个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 正式设立民办学校申请书；\n"
            "2. 学校章程、首届学校决策机构组成人员名单；\n"
            "3. 学校资产的有效证明文件；\n"
            "4. 校长、教师、财会人员的资格证明文件；\n"
            "5. 校舍、场地的产权证明或租赁合同。"
        ),
    },
    {
        "code": "high-risk-sports",
        "name": "经营高危险性体育项目许可",
        "departments": ["jyty"],
        "credit_mode": CreditMode.EXEMPT,
        "legal_basis": (
            "《全民健身条例》第三十二条\n"
            "《经营高危险性体育项目许可管理办法》（国家体育总局令第17号）第六条"
        ),
        "conditions": (
            "1. 相关体育设施符合国家标准；\n"
            "2. 具有达到规定数量的取得国家职业资格证书的社会体育指导人员和救助人员；\n"
            "3. 具有安全保障制度和措施。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_CREDIT_EXEMPT,
        "time_limit": "法定时限：30日；承诺时限：当场办结",
        "fees": NO_FEE,
        "materials": (
            "1. 经营高危险性体育项目申请书；\n"
            "2. 体育设施符合相关国家标准的说明性材料；\n"
            "3. 社会体育指导人员、救助人员的职业资格证明；\n"
            "4. 安全保障制度和措施；\n"
            "5. 信用承诺书。"
        ),
    },
    {
        "code": "vet-drug-business",
        "name": "兽药经营许可",
        "departments": ["nync"],
        "notification_commitment": True,
        "credit_mode": CreditMode.EXEMPT,
        "legal_basis": "《兽药管理条例》第二十二条\n《兽药经营质量管理规范》",
        "conditions": (
            "1. 有与所经营的兽药相适应的兽药技术人员；\n"
            "2. 有与所经营的兽药相适应的营业场所、设备、仓库设施；\n"
            "3. 有与所经营的兽药相适应的质量管理机构或者人员；\n"
            "4. 符合兽药经营质量管理规范规定的其他经营条件。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_COMMITMENT,
        "time_limit": "法定时限：30个工作日；承诺时限：当场办结",
        "fees": NO_FEE,
        "materials": (
            "1. 兽药经营许可证申请表；\n"
            "2. 兽药技术人员资格证明；\n"
            "3. 经营场所、仓库设施的证明材料；\n"
            "4. 质量管理制度文件；\n"
            "5. 告知承诺书。"
        ),
    },
    {
        "code": "pesticide-business",
        "name": "农药经营许可",
        "departments": ["nync"],
        "legal_basis": (
            "《农药管理条例》第二十四条\n《农药经营许可管理办法》（农业部令2017年第5号）第五条"
        ),
        "conditions": (
            "1. 有具备农药和病虫害防治专业知识，熟悉农药管理规定，"
            "能够指导安全合理使用农药的经营人员；\n"
            "2. 有与其他商品以及饮用水水源、生活区域等有效隔离的营业场所和仓储场所；\n"
            "3. 有与所经营农药品种、类别相适应的质量管理制度和岗位操作规程；\n"
            "4. 有农药质量管理、经营台账、安全防护、应急处置等制度。"
        ),
        "quantity_limits": NO_LIMIT,
        "procedure": PROCEDURE_SITE,
        "time_limit": "法定时限：20个工作日；承诺时限：10个工作日",
        "fees": NO_FEE,
        "materials": (
            "1. 农药经营许可证申请表；\n"
            "2. 法定代表人（负责人）身份证明复印件；\n"
            "3. 经营人员的学历或者培训证明；\n"
            "4. 营业场所和仓储场所地址、面积、平面图等说明材料及照片；\n"
            "5. 质量管理制度、岗位操作规程等文件目录。"
        ),
    },
]

SAMPLE_BODY = (
    "{title}\n\n"
    "事项名称：{item}\n"
    "申请人（盖章/签名）：____________________\n"
    "统一社会信用代码/身份证号码：____________________\n"
    "联系人：__________  联系电话：__________\n\n"
    "本文本为示范文本，仅供填写参考。申请人应如实填写并对所提交材料的真实性负责。\n"
    "临淄区行政审批服务局\n"
)


def _item_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "legal_basis": row["legal_basis"],
        "conditions": row["conditions"],
        "quantity_limits": row.get("quantity_limits", ""),
        "procedure": row["procedure"],
        "time_limit": row["time_limit"],
        "fees": row["fees"],
        "materials": row["materials"],
        "integrated_licence": row.get("integrated_licence", False),
        "notification_commitment": row.get("notification_commitment", False),
        "credit_mode": row.get("credit_mode", CreditMode.NONE),
        "important_category": row.get("important_category", ImportantCategory.NONE),
        "active": True,
    }


def seed_items() -> int:
    """Create or refresh the demo catalog; returns how many items it holds."""
    wanted_codes = {code for row in ITEMS for code in row["departments"]}
    departments = {d.code: d for d in Department.objects.filter(code__in=wanted_codes)}
    with transaction.atomic():
        for row in ITEMS:
            item, _created = ApprovalItem.objects.update_or_create(
                code=row["code"], defaults=_item_fields(row)
            )
            item.supervision_departments.set(
                [departments[code] for code in row["departments"] if code in departments]
            )
            for index, title in enumerate(row.get("samples", []), start=1):
                if item.sample_texts.filter(title=title).exists():
                    continue
                sample = ItemSampleText(item=item, title=title)
                body = SAMPLE_BODY.format(title=title, item=item.name).encode("utf-8")
                sample.file.save(f"{item.code}-{index}.txt", ContentFile(body), save=False)
                sample.save()
    return len(ITEMS)
