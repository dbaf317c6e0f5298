"""Demo credit-approval catalog (信用审批事项目录, Art. 8, R9); `seed_credit_catalog()`.

Idempotent: an item that already has an entry is left alone (its history is the record of
who changed what). Entries are written through the service, so each starts with version v1.
"""

from django.db import transaction

from approvals.demo import ITEMS
from approvals.models import ApprovalItem, CreditMode
from organizations.models import Department, StaffRole
from organizations.scoping import Actor

from .models import CreditCatalogEntry
from .services import credit_entry_save

APPROVAL_DEPARTMENT_CODE = "xzsp"

ACCESS_CONDITION = (
    "申请人未被列入严重失信主体名单，未被列入经营异常名录；"
    "处于严格准入、限制准入状态的申请人不适用信用审批，按一般程序办理。"
)

# R13: the risk comes from the counterparty's own record, never from the approval route.
SUPERVISION_METHOD = (
    "1. 纳入“双随机、一公开”监管：{departments}按照本部门随机抽查事项清单，"
    "随机抽取检查对象、随机选派执法检查人员，抽查情况和查处结果及时向社会公开。\n"
    "2. 实行信用分级分类监管：依据市场主体自身的信用记录、违法违规情况和风险状况确定"
    "信用风险等级（A、B、C、D类），据此确定抽查比例和频次；通过信用承诺取得许可的"
    "市场主体与通过一般程序取得许可的市场主体同等对待，不因采用信用审批方式而提高"
    "抽查比例、频次或者作出其他差别化监管安排。\n"
    "3. 对投诉举报、转办交办、数据监测等发现的具体问题线索依法开展检查，"
    "发现承诺不实或者未履行承诺的，即时推送审批部门。"
)

LEGAL_CONSEQUENCES = (
    "1. 经核查发现申请人实际情况与承诺内容不符的，由审批部门责令限期整改；"
    "逾期未整改或者整改后仍不符合许可条件的，依法撤销许可决定。\n"
    "2. 申请人以提供虚假材料、作出虚假承诺等欺骗手段取得许可的，依照《中华人民共和国"
    "行政许可法》第六十九条、第七十九条予以撤销；属于直接关系公共安全、人身健康、"
    "生命财产安全事项的，申请人在三年内不得再次申请该行政许可。\n"
    "3. 虚假承诺、违背承诺的行为记入申请人信用记录，依法纳入失信记录，"
    "通过“信用中国（山东淄博）”等平台公示，并依法依规实施失信惩戒。\n"
    "4. 因撤销许可造成的损失由申请人自行承担；涉嫌犯罪的，依法移送司法机关追究刑事责任。"
)

COMMITMENT_HEAD = (
    "本人（单位）申请办理{item}，现郑重承诺如下：\n"
    "一、所填报的信息和提交的材料真实、准确、完整、有效，不存在隐瞒情况或者提供虚假材料的行为；\n"
    "二、已经知晓审批部门一次性告知的全部许可条件和材料要求，本人（单位）符合上述条件；\n"
)
COMMITMENT_TAIL = (
    "{n}、自愿接受审批部门的核查和监管部门依法开展的监督检查，如实提供有关情况和资料；\n"
    "{n2}、如违背上述承诺，自愿承担责令整改、撤销许可、纳入失信记录等法律责任，"
    "因此造成的损失由本人（单位）承担。\n\n"
    "承诺人（签字/盖章）：____________    统一社会信用代码/身份证号码：____________\n"
    "日期：____年__月__日"
)
NUMERALS = "一二三四五六七八九十"

TERMS: dict[str, dict[str, list[str]]] = {
    "food-business": {
        "conditions": [
            "具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，"
            "并与有毒、有害场所以及其他污染源保持规定的距离；",
            "具有与经营的食品品种、数量相适应的经营设备或者设施；",
            "配备食品安全总监、食品安全员等食品安全管理人员，建立保证食品安全的规章制度；",
            "设备布局和工艺流程合理，能够防止待加工食品与直接入口食品、原料与成品交叉污染。",
        ],
        "materials": [
            "食品经营许可申请书；",
            "营业执照或者其他主体资格证明文件（可通过部门共享获取的免于提交）；",
            "主要设备设施清单、经营布局和操作流程；",
            "食品经营信用承诺书。",
        ],
        "promises": [
            "经营场所、设备设施、人员配备和管理制度在作出许可决定时已符合要求，"
            "并在许可有效期内持续保持；",
        ],
    },
    "pharmacy-retail": {
        "conditions": [
            "按规定配备依法经过资格认定的执业药师，质量负责人具备相应资质；",
            "具有与所经营药品相适应的营业场所、设备、陈列和仓储设施以及卫生环境；",
            "具有与所经营药品相适应的质量管理机构或者人员，建立符合《药品经营质量管理规范》"
            "的质量管理制度；",
            "具有符合药品追溯要求的计算机管理系统。",
        ],
        "materials": [
            "药品经营许可证申请表；",
            "质量负责人、执业药师的身份证明、学历及执业资格证书；",
            "营业场所、仓库平面布置图及房屋产权或者使用权证明；",
            "药品经营信用承诺书。",
        ],
        "promises": [
            "执业药师在职在岗，营业期间不出现执业药师“挂证”行为；",
            "审批部门在作出许可决定后10个工作日内进行后置核验，届时提供核验所需的场所、"
            "人员和制度等资料；",
        ],
    },
    "drainage-permit": {
        "conditions": [
            "排放口的设置符合城镇排水与污水处理规划的要求；",
            "按照国家有关规定建设相应的预处理设施和水质、水量检测设施；",
            "排放的污水符合国家或者地方规定的有关排放标准；",
            "法律、法规规定的其他条件。",
        ],
        "materials": [
            "城镇污水排入排水管网许可申请表；",
            "排水户内部排水管网、专用检测井、污水排放口位置和口径的图纸及说明材料；",
            "按规定建设污水预处理设施的有关材料；",
            "排水信用承诺书。",
        ],
        "promises": [
            "按照许可的排放口、排水种类、总量、时限、排放去向排放污水，不私自接入排水管网；",
            "审批部门在作出许可决定后10个工作日内进行后置核验，届时配合现场核查预处理和检测设施；",
        ],
    },
    "special-vehicle-road": {
        "conditions": [
            "车辆为履带车、铁轮车或者超重、超高、超长车辆，确需在城市道路上行驶；",
            "已制定行驶路线、时间和安全保障措施，并服从交通管理和市政设施管理要求；",
            "对可能造成城市道路、桥梁损坏的，承诺采取防护措施并承担修复责任。",
        ],
        "materials": [
            "特殊车辆在城市道路上行驶申请表；",
            "车辆行驶证及车辆技术参数说明；",
            "行驶路线图及安全保障措施；",
            "信用承诺书。",
        ],
        "promises": [
            "按照核定的时间、路线行驶，并采取相应的安全防护措施；",
        ],
    },
    "outdoor-advertising": {
        "conditions": [
            "设置位置符合城市户外广告设施设置规划和技术规范；",
            "广告设施结构、材料和安装符合安全要求，大型设施有具备资质单位出具的结构安全说明；",
            "依法取得设置场地的使用权或者产权人同意。",
        ],
        "materials": [
            "户外广告设施设置申请表；",
            "设置位置示意图、设计效果图及结构说明；",
            "场地使用权证明或者产权人同意设置的证明；",
            "信用承诺书。",
        ],
        "promises": [
            "按照批准的位置、规格、期限设置，并落实日常安全检查和维护责任；",
        ],
    },
    "road-freight": {
        "conditions": [
            "有与其经营业务相适应并经检测合格的车辆，车辆技术要求符合国家标准；",
            "有符合规定条件的驾驶人员，取得相应的机动车驾驶证和从业资格证；",
            "有健全的安全生产管理制度，包括安全生产责任制、操作规程、车辆技术管理制度等。",
        ],
        "materials": [
            "道路货物运输经营申请表；",
            "负责人身份证明、经办人身份证明和委托书；",
            "车辆及驾驶人员情况说明；",
            "安全生产管理制度文本；",
            "信用承诺书。",
        ],
        "promises": [
            "运输车辆按规定检测合格，驾驶人员持证上岗；",
            "审批部门在作出许可决定后10个工作日内进行后置核验，届时提供车辆、"
            "人员和安全生产管理制度的原件；",
        ],
    },
    "internet-cafe": {
        "conditions": [
            "营业场所符合消防安全要求，不设在居民住宅楼（院）内，与中小学校的距离符合规定；",
            "营业场所使用面积、计算机台数符合山东省规定的标准；",
            "有与其经营活动相适应的网络与信息安全管理制度和技术措施，并落实实名登记等管理要求。",
        ],
        "materials": [
            "互联网上网服务营业场所经营单位设立申请表；",
            "法定代表人或者主要负责人身份证明；",
            "营业场所产权证明或者租赁合同；",
            "网络与信息安全管理制度；",
            "信用承诺书。",
        ],
        "promises": [
            "不接纳未成年人进入营业场所，在显著位置悬挂未成年人禁入标志；",
            "审批部门在作出许可决定后10个工作日内进行后置核验，届时配合现场核查营业场所"
            "和安全管理措施；",
        ],
    },
    "publication-retail": {
        "conditions": [
            "有确定的企业名称和经营范围；",
            "有与出版物零售业务相适应的固定经营场所和设备；",
            "从业人员了解出版物相关法律法规，不经营非法出版物。",
        ],
        "materials": [
            "出版物零售业务经营许可申请表；",
            "经营场所使用权证明；",
            "信用承诺书。",
        ],
        "promises": [
            "从依法批准的出版物发行单位进货，建立进销货登记制度；",
        ],
    },
    "high-risk-sports": {
        "conditions": [
            "相关体育设施符合国家标准；",
            "具有达到规定数量的取得国家职业资格证书的社会体育指导人员和救助人员；",
            "具有相应的安全保障制度和措施。",
        ],
        "materials": [
            "经营高危险性体育项目许可申请书；",
            "体育设施符合相关国家标准的说明性材料；",
            "社会体育指导人员、救助人员的职业资格证明；",
            "安全保障制度和措施；",
            "信用承诺书。",
        ],
        "promises": [
            "经营期间社会体育指导人员和救助人员在岗，安全保障措施持续有效；",
        ],
    },
    "vet-drug-business": {
        "conditions": [
            "有与所经营的兽药相适应的兽药技术人员；",
            "有与所经营的兽药相适应的营业场所、设备、仓库设施；",
            "有与所经营的兽药相适应的质量管理机构或者人员；",
            "有兽药经营质量管理规范规定的其他经营条件。",
        ],
        "materials": [
            "兽药经营许可证申请表；",
            "兽药技术人员的学历证明或者职称证明；",
            "营业场所、仓库的产权或者使用权证明；",
            "质量管理文件目录；",
            "信用承诺书。",
        ],
        "promises": [
            "遵守《兽药经营质量管理规范》，不经营假、劣兽药和禁用兽药；",
        ],
    },
}


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{index}. {line}" for index, line in enumerate(lines, start=1))


def _terms_for(item: ApprovalItem) -> dict[str, str]:
    terms = TERMS.get(item.code)
    departments = "、".join(
        item.supervision_departments.order_by("code").values_list("name", flat=True)
    )
    if terms is None:  # an item added to the demo later: derived from its own catalog text
        conditions = f"{ACCESS_CONDITION}\n{item.conditions}"
        materials = f"{item.materials}\n（另须提交信用承诺书。）"
        promises: list[str] = []
    else:
        conditions = _numbered([ACCESS_CONDITION, *terms["conditions"]])
        materials = _numbered(terms["materials"])
        promises = terms["promises"]
    body = COMMITMENT_HEAD.format(item=item.name)
    for index, promise in enumerate(promises, start=3):
        body += f"{NUMERALS[index - 1]}、{promise}\n"
    n = 3 + len(promises)
    body += COMMITMENT_TAIL.format(n=NUMERALS[n - 1], n2=NUMERALS[n])
    return {
        "conditions": conditions,
        "materials": materials,
        "commitment_text": body,
        "supervision_method": SUPERVISION_METHOD.format(departments=departments or "监管部门"),
        "legal_consequences": LEGAL_CONSEQUENCES,
    }


def seed_credit_catalog() -> int:
    """Give every demo item decided by credit approval its catalog entry; returns how many
    entries were created (0 when run again)."""
    modes = {
        row["code"]: row["credit_mode"]
        for row in ITEMS
        if row.get("credit_mode", CreditMode.NONE) != CreditMode.NONE
    }
    actor = Actor(
        department=Department.objects.filter(code=APPROVAL_DEPARTMENT_CODE).first(),
        role=StaffRole.PLATFORM_ADMIN,
    )
    existing = set(
        CreditCatalogEntry.objects.filter(item__code__in=modes).values_list("item__code", flat=True)
    )
    created = 0
    with transaction.atomic():
        for item in ApprovalItem.objects.filter(code__in=modes).order_by("code"):
            if item.code in existing:
                continue
            credit_entry_save(actor=actor, item=item, mode=modes[item.code], **_terms_for(item))
            created += 1
    return created
