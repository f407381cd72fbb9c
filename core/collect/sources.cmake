# Evidence collection: the scheduler, the collector nodes, redaction.
# collect_io.c binds the collectors to the aws client (kept apart so unit
# tests link the collectors with a fake transport).
list(APPEND EDOC_CORE_SOURCES
  collect/refs.c
  collect/redact.c
  collect/collect.c
  collect/collect_ecs.c
  collect/collect_elb.c
  collect/collect_net.c
  collect/collect_iam.c
  collect/collect_art.c
  collect/collect_trail.c
  collect/collect_metrics.c
  collect/collect_io.c)
