"""Files: static files (served by WhiteNoise), uploads, and the export files' storage."""

from typing import Any

from .environment import BASE_DIR, env

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# --- Export files ---------------------------------------------------------------------
# Export files live in the "exports" storage under random names and are served only through
# views that check who is asking. By default that is MEDIA_ROOT/exports/, which the web
# process and every worker must share. With SVPORTAL_EXPORT_S3_BUCKET it is that bucket of
# an S3-compatible object store (AWS S3, MinIO, …; django-storages), under exports/, and web
# and workers can run on separate machines. Without the key settings boto3 finds
# credentials its usual ways (environment, instance role).
SVPORTAL_EXPORT_S3_BUCKET = env.str("SVPORTAL_EXPORT_S3_BUCKET", default="")
if SVPORTAL_EXPORT_S3_BUCKET:
    STORAGES["exports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": SVPORTAL_EXPORT_S3_BUCKET,
            "endpoint_url": env.str("SVPORTAL_EXPORT_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("SVPORTAL_EXPORT_S3_REGION", default="") or None,
            "access_key": env.str("SVPORTAL_EXPORT_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("SVPORTAL_EXPORT_S3_SECRET_ACCESS_KEY", default="") or None,
            # MinIO and most self-hosted stores want path-style addresses.
            "addressing_style": env.str("SVPORTAL_EXPORT_S3_ADDRESSING_STYLE", default="path"),
            # The name is the export's random token: a run again replaces its own file.
            "file_overwrite": True,
            "default_acl": None,
        },
    }
else:
    STORAGES["exports"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
