"""A reliable change's clinical category reads as the framework's vocabulary says, on the
relationship's page and in its report (issue 13, point 7: one spelling of each enumeration)."""

from __future__ import annotations

import pytest

from mutuality.framework import CHANGE_WORDS, VOCABULARY
from mutuality.outcomes import Category
from mutuality.web.relationships.views.assessment import _change_words
from mutuality.web.reports.relationship_report import _category_words

CATEGORIES = list(VOCABULARY["outcome_category"])


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_page_names_each_category_as_the_vocabulary_does(category: Category) -> None:
    """ "reliable improvement (recovered)": the change's words, then the category's label."""
    # Arrange
    change = (
        "reliable_deterioration"
        if category in ("deteriorated", "harmed")
        else "reliable_improvement"
    )

    # Act
    words = _change_words({"change": change, "category": category})

    # Assert
    label = VOCABULARY["outcome_category"].label(category)
    assert words == f"{CHANGE_WORDS[change]} ({label})"


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_report_adds_a_category_only_when_its_words_say_more(category: Category) -> None:
    """The report adds "recovered: it also crossed the cut-off", and says nothing more for a
    category that only repeats the change."""
    # Arrange
    term = VOCABULARY["outcome_category"][category]

    # Act
    words = _category_words(category)

    # Assert
    assert words == (f"{term.label}: {term.hint}" if term.hint else "")
    assert (category in ("recovered", "harmed")) == bool(words)
