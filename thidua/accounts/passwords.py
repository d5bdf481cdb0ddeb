"""Django's password validators, with every message in Vietnamese.

Django's Vietnamese catalogue translates only some validator messages, so the messages are
chosen here by the validator's error code.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

MESSAGES = {
    "password_too_short": "Mật khẩu quá ngắn: cần ít nhất {min_length} ký tự.",
    "password_too_common": "Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.",
    "password_entirely_numeric": "Mật khẩu không được chỉ gồm chữ số.",
    "password_too_similar": "Mật khẩu quá giống tên đăng nhập hoặc họ tên.",
}


def password_errors(password: str, user=None) -> list[str]:
    """Vietnamese messages for every validator `password` fails; empty when it is acceptable."""
    if not password:
        return ["Hãy nhập mật khẩu."]
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        result = []
        for error in exc.error_list:
            template = MESSAGES.get(error.code or "")
            if template:
                result.append(template.format(**(error.params or {})))
            else:
                result.append("Mật khẩu chưa đạt yêu cầu an toàn.")
        return result
    return []
