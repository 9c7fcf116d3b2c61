"""The report renders in headless Chromium: a screenshot is taken and no image is broken."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nakcell.report.reproduce import run_reproduce

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
CHECK = """<script>
window.addEventListener('load', function () {
  var imgs = Array.from(document.images);
  var broken = imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; });
  var d = document.createElement('div');
  d.id = 'nakcell-imgcheck';
  d.textContent = 'images=' + imgs.length + ' broken=' + broken.length;
  document.body.appendChild(d);
});
</script></body>"""


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("Debian's chromium is not installed: run ./install.sh --dev")
    return exe


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("browser")
    return run_reproduce(d, quick=True)


def test_report_has_no_broken_images_in_chromium(report, tmp_path):
    probe = report.parent / "probe.html"
    probe.write_text(report.read_text().replace("</body>", CHECK), encoding="utf-8")
    out = subprocess.run(
        [
            _chromium(),
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    m = re.search(r"images=(\d+) broken=(\d+)", out.stdout)
    assert m, out.stderr[-2000:]
    n_img, n_broken = int(m.group(1)), int(m.group(2))
    assert n_img >= 8
    assert n_broken == 0


def test_report_screenshot_is_not_blank(report, tmp_path):
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            _chromium(),
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,2400",
            f"--screenshot={shot}",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)
    assert img.shape[0] >= 2000 and img.shape[1] >= 1200
    assert img[..., :3].std() > 0.05  # text, tables and figures, not a blank page
