edoc_unit_test(test_util util/test_util.c)
