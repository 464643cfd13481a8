"""The HTTP service and staff page (``pip install "complaint-insight[serve]"``).

    from complaint_insight.service import create_app, ServiceSettings
    app = create_app(ServiceSettings(max_batch_items=500))
"""
from __future__ import annotations

from complaint_insight.service.app import create_app
from complaint_insight.service.settings import ServiceSettings, load_settings

__all__ = ["ServiceSettings", "create_app", "load_settings"]
