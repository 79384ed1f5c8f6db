"""Screenshots in an S3-compatible bucket (AWS_STORAGE_BUCKET_NAME): app servers keep
no files, the bucket stays private, and every download still goes through Haven's
check of who is asking. (moto stands in for the bucket here; `make test-scaleout`
runs a real S3-compatible server.)"""

import hashlib

import boto3
import pytest
from moto import mock_aws

from haven.core.tests.api_helpers import assert_error
from haven.safety.models import Upload
from haven.safety.tests.upload_helpers import image_bytes, post_upload

pytestmark = pytest.mark.django_db
BUCKET = "haven-evidence"


@pytest.fixture
def bucket(settings, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        options = {"bucket_name": BUCKET, "region_name": "us-east-1", "default_acl": None,
                   "file_overwrite": False, "querystring_auth": True}  # fmt: skip
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        }
        yield s3


def test_a_screenshot_is_stored_in_the_bucket_and_not_on_this_disk(bucket, api, alice, settings):
    response = post_upload(api(alice), image_bytes())
    assert response.status_code == 201, response.content
    upload = Upload.objects.get()
    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [upload.file.name]
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.png"))
    stored = bucket.get_object(Bucket=BUCKET, Key=upload.file.name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == upload.sha256
    # Private: nobody but the bucket's owner is granted anything.
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=upload.file.name)["Grants"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)


def test_downloads_from_the_bucket_go_through_haven_for_the_uploader_and_staff_only(
    bucket, api, web, alice, bob, mia
):
    upload_id = post_upload(api(alice), image_bytes()).json()["id"]
    upload = Upload.objects.get(pk=upload_id)
    for member in (alice, mia):
        response = api(member).get(f"/uploads/{upload_id}/file")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == upload.sha256
    assert_error(api(bob).get(f"/uploads/{upload_id}/file"), 404)
    assert web(bob).get(f"/uploads/{upload_id}").status_code == 404
    described = api(alice).get(f"/uploads/{upload_id}").content.decode()
    assert BUCKET not in described and "amazonaws" not in described  # no bucket URL, ever


def test_readyz_checks_the_bucket(bucket, client):
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    bucket.delete_bucket(Bucket=BUCKET)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["storage"] == "down"
