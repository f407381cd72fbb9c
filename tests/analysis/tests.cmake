# Analysis libraries (core/analysis): the IAM evaluator and the network path
# analyser, tested on small hand-written evidence documents.
edoc_unit_test(test_iam_eval analysis/test_iam_eval.c)
edoc_unit_test(test_netpath analysis/test_netpath.c)
