"""Issue 16, tester's finding 7: ``kiosk forms check`` warns of a literal age or amount in a
text that equals a policy parameter's value; titles, comments and expressions are not
texts; the shipped definitions have none left."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli import main
from kiosk.forms.catalogue import default_catalogue
from kiosk.forms.literal_values import literal_policy_values


def test_a_literal_age_equal_to_a_parameter_is_warned(tmp_path: Path) -> None:
    policy = default_catalogue().policy
    assert policy.get("fp_reward_min_age").value == 60
    form = tmp_path / "x.v1.yaml"
    form.write_text(
        "title: 满60岁要办的事\n"
        "# 满60岁 in a comment\n"
        '    relevant: "${age} >= 60"\n'
        "    hint: 农村只生一个孩子的，满60岁每年有奖扶金。\n"
        "    why: 一次交12元。\n",
        encoding="utf-8",
    )
    warnings = literal_policy_values([form], policy)
    assert len(warnings) == 1 and warnings[0].startswith(f"{form}:4: warning: '60岁'")
    assert "fp_reward_min_age" in warnings[0]


def test_the_shipped_texts_name_their_parameters(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["forms", "check"]) == 0
    assert "warning:" not in capsys.readouterr().out
