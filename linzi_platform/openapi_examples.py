"""Worked examples and descriptions for the OpenAPI schema, keyed by (method, path).

Kept in one place so a partner system's developer reads one consistent story: 临淄齐鲁食品
有限公司 gets a food business licence, the market regulator claims the push, asks a question
and gets an answer. tests/platform/test_schema.py validates every example against the
schema, so an example can never drift from the contract.
"""

from typing import Any

CREDIT_CODE = "91370305MA3CAP100A"
LICENCE_PUSH = {
    "approval_department": "xzsp",
    "licence_id": 1024,
    "licence_no": "JY13703050012345",
    "item": {"code": "food-business", "name": "食品经营许可"},
    "counterparty": {"name": "临淄齐鲁食品有限公司", "credit_code": CREDIT_CODE},
    "valid_from": "2026-11-30",
    "valid_to": "2031-11-29",
}
PUSH = {
    "id": 5120,
    "kind": "approval_decision",
    "title": "食品经营许可：临淄齐鲁食品有限公司（JY13703050012345）",
    "sender": "xzsp",
    "receiver": "scjg",
    "sent_at": "2026-11-30T10:05:00+08:00",
    "deadline": "2026-12-01T17:30:00+08:00",
    "state": "pending",
    "claimed_at": None,
    "claimed_by": "",
    "overdue": False,
    "payload": LICENCE_PUSH,
}
CLAIMED_PUSH = {
    **PUSH,
    "state": "claimed",
    "claimed_at": "2026-11-30T14:20:00+08:00",
    "claimed_by": "市场监督管理局 张敏",
}
FEEDBACK = {
    "id": 77,
    "text": "经营场所地址与现场核查地址不一致，请核实。",
    "raised_by": "市场监督管理局 张敏",
    "raised_at": "2026-11-30T15:00:00+08:00",
    "status": "open",
    "answer_deadline": "2026-12-01T17:30:00+08:00",
    "replies": [],
}
REPLY = {
    "id": 31,
    "text": "已核实：申请材料中的地址为注册地址，经营地址以许可证为准。",
    "replied_by": "行政审批服务局 李华",
    "replied_at": "2026-12-01T09:10:00+08:00",
}
PUSH_SUMMARY = {
    "id": 5120,
    "receiver": "scjg",
    "deadline": "2026-12-01T17:30:00+08:00",
    "state": "pending",
}
LICENCE_REF = {
    "id": 1024,
    "licence_no": "JY13703050012345",
    "item": {"code": "food-business", "name": "食品经营许可"},
    "status": "valid",
}
COUNTERPARTY_REF = {"name": "临淄齐鲁食品有限公司", "credit_code": CREDIT_CODE, "id_number": None}

REQUEST_EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/licences/"): {
        "item": "food-business",
        "counterparty": {
            "name": "临淄齐鲁食品有限公司",
            "credit_code": CREDIT_CODE,
            "contact_name": "王五",
            "contact_phone": "0533-7181234",
        },
        "licence_no": "JY13703050012345",
        "licence_date": "2026-11-30",
        "valid_from": "2026-11-30",
        "valid_to": "2031-11-29",
        "commitment": {
            "mode": "post_verification",
            "text": "本单位承诺所填写信息真实、准确，符合食品经营许可条件。",
            "signed_at": "2026-11-30T09:30:00+08:00",
            "signer": "王五",
        },
    },
    ("post", "/api/v1/pushes/{id}/feedback/"): {"text": FEEDBACK["text"]},
    ("post", "/api/v1/pushes/{id}/feedback/{feedback_id}/reply/"): {"text": REPLY["text"]},
    ("post", "/api/v1/supervision-actions/"): {
        "kind": "suspension",
        "counterparty": {
            "name": "临淄齐鲁食品有限公司",
            "credit_code": CREDIT_CODE,
            "contact_name": "王五",
            "contact_phone": "0533-7181234",
        },
        "licence": 1024,
        "document_no": "临市监食停字〔2026〕18号",
        "decided_at": "2026-12-03",
        "summary": "经营场所卫生条件不符合要求，责令停业整改 30 日。",
        "listing": {"type": "anomaly", "until": "2027-06-03"},
    },
    ("post", "/api/v1/licence-letters/"): {
        "licence": 1024,
        "action": "revoke",
        "document_no": "临市监函〔2026〕42号",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十六条",
        "penalty_result": "罚款五万元，情节严重，建议吊销许可证。",
    },
    ("post", "/api/v1/licence-letters/{id}/decision/"): {
        "accept": True,
        "note": "已依法启动吊销程序。",
    },
    ("post", "/api/v1/listings/"): {
        "counterparty": CREDIT_CODE,
        "listing_type": "anomaly",
        "source_document": "临市监异〔2026〕7号",
        "until": "2027-06-03",
        "reason": "通过登记的住所无法联系。",
    },
    ("post", "/api/v1/listings/{id}/remove/"): {"reason": "已补报年度报告。"},
    ("post", "/api/v1/legacy-cases/"): {
        "supervision_department": "zjj",
        "title": "2019 年未验收即投入使用的厂房",
        "description": "企业 2019 年取得施工许可，厂房未经竣工验收即投入使用，请提出处理意见。",
        "counterparty": CREDIT_CODE,
    },
    ("post", "/api/v1/legacy-cases/{id}/opinion/"): {
        "opinion": "责令限期补办竣工验收，整改期间停止使用。",
        "requires_rectification": True,
    },
    ("post", "/api/v1/legacy-cases/{id}/verify-rectification/"): {"note": "已完成竣工验收备案。"},
    ("post", "/api/v1/legacy-cases/{id}/close/"): {"note": "整改完毕，结案。"},
    ("post", "/api/v1/credit/breaches/"): {
        "licence": 1024,
        "reason": "现场核查发现承诺的冷链设施未建成。",
    },
    ("post", "/api/v1/credit/catalog/{item_code}/"): {
        "mode": "post_verification",
        "conditions": "具有与经营的食品品种、数量相适应的经营场所。",
        "materials": "营业执照复印件；经营场所平面图。",
        "commitment_text": "本单位承诺符合上述条件，并愿承担不实承诺的法律责任。",
        "supervision_method": "10 个工作日内现场核查。",
        "legal_consequences": "承诺不实的，依法撤销许可并纳入信用记录。",
    },
    ("put", "/api/v1/credit/catalog/{item_code}/"): {
        "mode": "exempt",
        "conditions": "具有与经营的食品品种、数量相适应的经营场所。",
        "materials": "营业执照复印件。",
        "commitment_text": "本单位承诺符合上述条件，并愿承担不实承诺的法律责任。",
        "supervision_method": "纳入日常“双随机、一公开”监管。",
        "legal_consequences": "承诺不实的，依法撤销许可并纳入信用记录。",
    },
    ("post", "/api/v1/credit/verifications/{id}/result/"): {
        "met": False,
        "notes": "冷链设施未建成。",
        "rectification_days": 10,
    },
    ("post", "/api/v1/credit/verifications/{id}/rectification/"): {
        "met": True,
        "notes": "复查：冷链设施已建成并投入使用。",
    },
    ("post", "/api/v1/credit/revocations/{id}/decision/"): {
        "revoke": True,
        "note": "承诺不实，依法撤销。",
    },
    ("post", "/api/v1/coordination/important-files/"): {
        "item": "construction-permit",
        "project_name": "齐都镇污水处理厂扩建工程",
        "counterparty_code": CREDIT_CODE,
    },
    ("post", "/api/v1/coordination/important-files/{id}/consultations/"): {
        "department": "zjj",
        "opinion": "同意，须落实施工期间扬尘治理措施。",
    },
    ("post", "/api/v1/coordination/important-files/{id}/hearing/"): {
        "held_on": "2026-12-10",
        "participants": "申请人、周边居民代表 5 人、住建局",
        "minutes": "与会各方对施工时段提出意见，申请人同意夜间停工。",
    },
    ("post", "/api/v1/coordination/important-files/{id}/no-hearing-reason/"): {
        "reason": "不涉及申请人与他人之间重大利益关系。",
    },
    ("post", "/api/v1/coordination/important-files/{id}/stakeholder-opinions/"): {
        "stakeholder": "齐都镇东关村村民委员会",
        "summary": "要求夜间 22 时后停止施工。",
    },
    ("post", "/api/v1/coordination/inquiries/"): {
        "receiver": "scjg",
        "subject": "食品经营许可申请人是否存在未结案件",
        "question": "请告知临淄齐鲁食品有限公司是否存在未结的行政处罚案件。",
        "reply_working_days": 3,
    },
    ("post", "/api/v1/coordination/inquiries/{id}/reply/"): {
        "text": "经查，该企业无未结行政处罚案件。",
    },
    ("post", "/api/v1/coordination/meetings/"): {
        "topic": "齐都镇污水处理厂扩建工程联合审查",
        "agenda": "一、项目情况介绍；二、各部门发表意见。",
        "location": "区政务服务中心 3 楼会议室",
        "scheduled_at": "2026-12-08T09:00:00+08:00",
        "invitees": ["zjj", "sthj"],
    },
    ("post", "/api/v1/coordination/meetings/{id}/opinion/"): {
        "opinion": "同意，须取得排污许可后方可投入运行。",
    },
    ("post", "/api/v1/coordination/meetings/{id}/minutes/"): {
        "minutes": "各部门均发表意见，同意项目按程序审批。",
        "conclusions": "同意审批；排污许可由生态环境分局另行办理。",
    },
    ("post", "/api/v1/coordination/inspections/"): {
        "kind": "site_inspection",
        "title": "临淄齐鲁食品有限公司经营场所联合勘验",
        "location": "临淄区齐都镇桓公路 18 号",
        "scheduled_at": "2026-12-08T14:30:00+08:00",
        "invitees": ["scjg"],
        "item": "food-business",
    },
    ("post", "/api/v1/coordination/inspections/{id}/report/"): {
        "findings": "经营场所布局合理，冷藏设施运行正常。",
        "conclusion": "符合许可条件。",
    },
    ("post", "/api/v1/coordination/inspections/{id}/sign-off/"): {"decision": "sign"},
}

RESPONSE_EXAMPLES: dict[tuple[str, str], tuple[str, Any]] = {
    ("get", "/api/v1/departments/"): (
        "200",
        [
            {"code": "xzsp", "name": "临淄区行政审批服务局", "kind": "approval"},
            {"code": "scjg", "name": "临淄区市场监督管理局", "kind": "supervision"},
        ],
    ),
    ("post", "/api/v1/licences/"): (
        "201",
        {
            "id": 1024,
            "licence_no": "JY13703050012345",
            "status": "valid",
            "pushes": [PUSH_SUMMARY],
        },
    ),
    ("get", "/api/v1/pushes/"): (
        "200",
        {
            "next": "https://linzi.example.gov.cn/api/v1/pushes/?box=inbox&cursor=cD0yMDI2",
            "previous": None,
            "results": [PUSH],
        },
    ),
    ("get", "/api/v1/pushes/{id}/"): ("200", {**CLAIMED_PUSH, "feedback": [FEEDBACK]}),
    ("post", "/api/v1/pushes/{id}/claim/"): ("200", CLAIMED_PUSH),
    ("post", "/api/v1/pushes/{id}/feedback/"): ("201", FEEDBACK),
    ("post", "/api/v1/pushes/{id}/feedback/{feedback_id}/reply/"): ("201", REPLY),
    ("get", "/api/v1/counterparties/{code}/access/"): (
        "200",
        {
            "access": "restricted",
            "access_label": "限制准入",
            "counterparty": COUNTERPARTY_REF,
            "reasons": [
                {
                    "listing": "anomaly",
                    "listing_label": "经营异常名录",
                    "access": "restricted",
                    "department": "临淄区市场监督管理局",
                    "source_document": "临市监异〔2026〕7号",
                    "listed_on": "2026-12-03",
                    "until": "2027-06-03",
                    "reason": "通过登记的住所无法联系。",
                }
            ],
        },
    ),
}

# Operations whose view carries no docstring or extend_schema description.
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("get", "/api/v1/licences/"): "The licences this department decided or was pushed, newest "
    "decision first.",
    ("post", "/api/v1/licences/"): "Record a licence decision (approval department only). In "
    "one transaction it stores the licence and pushes it to every supervision department "
    "responsible for the item, each with a claim deadline of 1 working day (R1, R2). Items "
    "under notification-and-commitment or credit approval need `commitment`; 一业一证 items "
    "need `integrated_licence`.",
    ("get", "/api/v1/licences/{id}/"): "One licence with its status history, for the deciding "
    "department or a receiver of its push.",
    ("get", "/api/v1/pushes/{id}/"): "One push with its feedback, for its sender or receiver.",
    ("post", "/api/v1/pushes/{id}/claim/"): "Claim a pending push (receiver only). 409 when it "
    "is no longer pending: claimed by a colleague or auto-claimed at its deadline.",
    ("post", "/api/v1/pushes/{id}/feedback/"): "Ask the sender about a received push within 1 "
    "working day of receiving it (R5); 409 after that window.",
    ("post", "/api/v1/pushes/{id}/feedback/{feedback_id}/reply/"): "Answer feedback on a push "
    "this department sent.",
    ("get", "/api/v1/supervision-actions/{id}/"): "One supervision action with its pushes.",
    ("get", "/api/v1/listings/{id}/"): "One listing (dishonest or anomaly list entry).",
    ("get", "/api/v1/licence-letters/{id}/"): "One licence letter with its history.",
    ("get", "/api/v1/legacy-cases/{id}/"): "One legacy case with its opinions.",
    ("post", "/api/v1/legacy-cases/{id}/verify-rectification/"): "Confirm that the "
    "rectification asked for in the opinion is done.",
    ("get", "/api/v1/credit/verifications/{id}/"): "One post-approval verification of a "
    "credit-approval licence (R10).",
    ("get", "/api/v1/credit/revocations/{id}/"): "One revocation request after a breached "
    "commitment (R11).",
    ("get", "/api/v1/coordination/important-files/{id}/"): "One important-matter file with its "
    "consultations, hearing and stakeholder opinions (R14).",
    ("post", "/api/v1/coordination/important-files/{id}/consultations/"): "Record a "
    "department's consultation opinion on an important matter.",
    ("post", "/api/v1/coordination/important-files/{id}/hearing/"): "Record the hearing held "
    "for an important matter.",
    ("post", "/api/v1/coordination/important-files/{id}/no-hearing-reason/"): "Record why no "
    "hearing is needed.",
    ("post", "/api/v1/coordination/important-files/{id}/stakeholder-opinions/"): "Record an "
    "interested party's opinion.",
    ("get", "/api/v1/coordination/inquiries/{id}/"): "One inquiry letter (R16).",
    ("get", "/api/v1/coordination/inspections/{id}/"): "One joint inspection (R15).",
    ("get", "/api/v1/coordination/meetings/{id}/"): "One joint meeting (R15).",
    ("post", "/api/v1/coordination/meetings/{id}/minutes/"): "Record the minutes and "
    "conclusions of a joint meeting (the organiser only).",
}


def add_examples_and_descriptions(result: dict[str, Any]) -> None:
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            key = (method, path)
            if key in DESCRIPTIONS and not operation.get("description"):
                operation["description"] = DESCRIPTIONS[key]
            if key in REQUEST_EXAMPLES:
                content = operation.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    content["application/json"]["examples"] = {
                        "example": {"summary": "Example", "value": REQUEST_EXAMPLES[key]}
                    }
            if key in RESPONSE_EXAMPLES:
                status, value = RESPONSE_EXAMPLES[key]
                response = operation.get("responses", {}).get(status, {})
                content = response.get("content", {})
                if "application/json" in content:
                    content["application/json"]["examples"] = {
                        "example": {"summary": "Example", "value": value}
                    }
