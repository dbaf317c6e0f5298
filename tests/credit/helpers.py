"""Plain helpers of the credit tests (R9–R12): the catalog terms of a credit item and a signed
commitment. Import them from here, never from a conftest.py."""

from approvals.models import CreditMode

CATALOG_TERMS = {
    "mode": CreditMode.POST_VERIFICATION,
    "conditions": "1. 申请人未被列入严重失信主体名单；\n2. 具有符合要求的营业场所。",
    "materials": "1. 申请表；\n2. 信用承诺书。",
    "commitment_text": "本单位郑重承诺所提交材料真实有效，符合许可条件。",
    "supervision_method": "“双随机、一公开”监管，按市场主体自身信用风险分级分类确定抽查比例。",
    "legal_consequences": "承诺不实的，依法撤销许可，纳入失信记录。",
}


def commitment(signed_at: str = "2026-09-30T09:30:00+08:00") -> dict:
    return {
        "text": "本单位郑重承诺：所提交材料真实有效，已符合药品零售经营许可条件。",
        "signed_at": signed_at,
        "signer": "临淄康泰大药房 法定代表人 王建",
    }
