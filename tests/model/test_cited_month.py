"""The month of the latest material a parameter's basis cites, read from its text."""

import pytest

from sim.model.sources import cited_month, seed_index


@pytest.mark.parametrize(
    "text, month",
    [
        ("OCHA, critical funding gaps of Oct 2024", "2024-10"),
        ("the court's ruling of 17 April 2025", "2025-04"),
        ("a plan published 2023-10", "2023-10"),
        ("PIPS, Pakistan Security Report 2024", "2024-12"),  # a year's figure is known once it is over
        ("returns of 2021-22 in the tens of thousands", "2022-12"),  # a span of years, not month 22
        ("the dated steps of 2021-2025", "2025-12"),
        ("Sep 2023-Jan 2024", "2024-01"),
        ("Pakistan Security Report 2021 (Jan 2022) and 2021", "2022-01"),
    ],
)
def test_a_basis_is_dated_by_the_latest_month_or_year_it_names(text, month):
    assert cited_month(text) == month


def test_a_seed_citation_is_dated_by_its_text_and_a_number_is_not_a_year():
    # 6,000 is a count, not the year 6000 nor 2000-something; seed 000 is of July 2025
    assert seed_index()["000"].dated == "2025-07"
    assert cited_month("seed 000 ¶2 (at least 6,000 fighters)") == "2025-07"
    counts = "seed 003 ¶7; about $1.3-1.6 billion, 233,941 returned, 2.6 million"
    assert cited_month(counts) == seed_index()["003"].dated
    assert cited_month("about 2,014 fighters and 20,000 tonnes") is None


def test_a_basis_without_a_date_is_undated_and_a_cap_holds_a_year_not_yet_over():
    assert cited_month("a guess") is None
    assert cited_month("modelling convenience; see ttp.recruitment_rate") is None
    assert cited_month("steps in mid-2025", until="2025-07") == "2025-07"
    assert cited_month("Oct 2023", until="2025-07") == "2023-10"
