# Collector tests: pure parsers and redaction, and the collectors driven by a
# canned-answer transport (fakeio) over tests/collect/data/*.json.
edoc_unit_test(test_collect_refs collect/test_refs.c)
edoc_unit_test(test_collect_redact collect/test_redact.c)
edoc_unit_test(test_collect collect/test_collect.c collect/fakeio.c)
