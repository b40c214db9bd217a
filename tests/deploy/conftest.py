"""The SeaweedFS fixtures (tests/deploy/seaweedfs.py) for the tests in this folder."""

from tests.deploy.seaweedfs import s3_media, seaweedfs  # noqa: F401
