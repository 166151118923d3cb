from council.shared.text import fold, vietnamese_slug


def test_fold_and_slug_drop_vietnamese_diacritics():
    assert fold("LÀO CAI, Đắk Lắk") == "lao cai, dak lak"
    assert len(fold("Hội đồng")) == len("Hội đồng")
    assert vietnamese_slug("Họp Hội đồng Giám đốc CNTT") == "hop-hoi-dong-giam-doc-cntt"
