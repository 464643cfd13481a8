"""Personal-data redaction for quotes that leave the organisation (reports, sharing exports).

    >>> from complaint_insight.privacy import redact
    >>> redact("Dr Patel said my NHS number 943 476 5919 was wrong")
    'Dr [NAME] said my NHS number [NHS_NUMBER] was wrong'

Rules, not a trained model: a safeguard, not a guarantee (see docs/privacy.md).
"""
from __future__ import annotations

from complaint_insight.privacy.nhs_number import is_valid_nhs_number, make_nhs_number
from complaint_insight.privacy.redact import find_personal_data, redact
from complaint_insight.privacy.spans import TYPES, PersonalDataSpan, PersonalDataType

__all__ = [
    "TYPES",
    "PersonalDataSpan",
    "PersonalDataType",
    "find_personal_data",
    "is_valid_nhs_number",
    "make_nhs_number",
    "redact",
]
