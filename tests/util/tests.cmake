edoc_unit_test(test_util util/test_util.c)
edoc_unit_test(test_shquote util/test_shquote.c)
