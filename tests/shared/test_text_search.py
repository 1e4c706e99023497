from shared.text_search import fold_for_search


def test_folding_makes_swedish_names_findable_without_diacritics():
    assert fold_for_search("Malung-Sälen") == "malung salen"
    assert fold_for_search("Östergötlands län") == "ostergotlands lan"
    assert fold_for_search("ÅRE") == "are"
    assert "ostergotland" in fold_for_search("Östergötlands län")
