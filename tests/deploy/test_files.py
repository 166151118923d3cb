"""What deploy/ ships agrees with the site: upload limits, the systemd units."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from council.shared.documents import MAX_DOCUMENT_BYTES
from council.shared.uploads import MAX_IMAGE_BYTES

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service")) + sorted((DEPLOY / "systemd").glob("*.timer"))
LONG_RUNNING = ["council-web.service", "council-worker.service", "council-beat.service"]
MB = 1024 * 1024


def test_nginx_body_limit_is_the_site_s_own_and_the_413_page_says_so():
    site = (DEPLOY / "nginx" / "council.conf").read_text()
    page = (DEPLOY / "nginx" / "errors" / "413.html").read_text()

    [limit] = re.findall(r"^\s*client_max_body_size (\d+)m;", site, flags=re.MULTILINE)
    assert int(limit) * MB == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert int(limit) * MB > MAX_DOCUMENT_BYTES > MAX_IMAGE_BYTES
    assert f"tối đa {limit} MB" in page
    assert f"tối đa {MAX_DOCUMENT_BYTES // MB} MB" in page
    assert f"tối đa {MAX_IMAGE_BYTES // MB} MB" in page


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_services_run_unprivileged_restart_and_read_the_environment_file(name):
    unit = (DEPLOY / "systemd" / name).read_text()

    assert "\nUser=council\n" in unit
    assert "\nRestart=on-failure\n" in unit
    assert "\nEnvironmentFile=/etc/council/council.env\n" in unit
    assert "\nNoNewPrivileges=yes\n" in unit
    assert "\nProtectSystem=strict\n" in unit


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="needs systemd-analyze: apt-get install systemd"
)
def test_systemd_analyze_verifies_every_unit(tmp_path):
    # The units name /srv/council/app; point them at this checkout so that the
    # programs they start exist (verify checks that too).
    for unit in UNITS:
        text = unit.read_text().replace("/srv/council/app", str(settings.BASE_DIR))
        (tmp_path / unit.name).write_text(text)

    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / unit.name) for unit in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert len(UNITS) == 5
    assert (result.returncode, result.stderr) == (0, "")
