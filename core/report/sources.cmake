# Report-document services between the engine and the renderers: verdict,
# mutes, what-changed, timeline, publish (the pipeline's last steps) and the
# --wait deployment follower.
list(APPEND EDOC_CORE_SOURCES
  report/verdict.c
  report/utc.c
  report/mutes.c
  report/whatchanged.c
  report/timeline.c
  report/wait.c
  report/wait_aws.c
  report/publish.c)
