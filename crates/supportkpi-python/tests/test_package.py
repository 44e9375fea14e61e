import re

import supportkpi as sk


def test_version_matches_the_crate() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", sk.__version__)
