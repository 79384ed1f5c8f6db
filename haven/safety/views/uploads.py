"""Serving a stored screenshot to its uploader or to staff.

Always as a download (`Content-Disposition: attachment`) with `nosniff`: even a
re-encoded image is never rendered as a top-level page from Haven's origin, so
no file a member sends can ever act as active content here. `<img>` tags still
show it, since browsers ignore the disposition for embedded images. Anyone
else gets a 404, as if the file did not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.urls import path
from django.views.decorators.http import require_GET

from haven.safety.models import Upload
from haven.safety.uploads import access_upload


def file_response(upload: Upload) -> FileResponse:
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=f"screenshot-{upload.pk}.{upload.extension}",
        content_type=upload.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def serve(request: HttpRequest, upload_id: int) -> FileResponse:
    return file_response(access_upload(request.user, upload_id))


urlpatterns = [path("uploads/<int:upload_id>", serve, name="upload")]
