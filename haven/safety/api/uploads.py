"""Screenshot uploads: send one image, read back your own (staff read any)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from haven.core.api import ErrorOut, viewer
from haven.safety.uploads import access_upload, store_upload
from haven.safety.views.uploads import file_response

router = Router(tags=["safety"])
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
    415: ErrorOut,
    429: ErrorOut,
}


class UploadOut(Schema):
    id: int
    content_type: str
    width: int
    height: int
    size: int
    sha256: str
    created_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/v1/uploads/{obj.pk}/file"


@router.post("/uploads", response={201: UploadOut, **ERRORS})
def upload_image(request: HttpRequest, file: File[UploadedFile]):
    """Upload a screenshot (multipart field `file`): PNG, JPEG or WebP, at most 10 MB and
    16 megapixels (checked from the header, before decoding). It is re-encoded and
    stripped of all metadata; attach it to a report with its `id`. Wrong type 415, too
    large 413, damaged image 400."""
    return Status(201, store_upload(actor=viewer(request), file=file))


@router.get("/uploads/{upload_id}", response={200: UploadOut, **ERRORS})
def get_upload(request: HttpRequest, upload_id: int):
    """One of your uploads (staff: any upload)."""
    return access_upload(viewer(request), upload_id)


@router.get(
    "/uploads/{upload_id}/file",
    response={400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "The re-encoded image, as a download",
                "content": {
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                    "image/webp": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def download_upload(request: HttpRequest, upload_id: int):
    """The stored image itself, as an attachment (never rendered as a page)."""
    return file_response(access_upload(viewer(request), upload_id))
