"""Grading a batch beyond one machine: Dramatiq workers over Redis, payloads in a shared store.

The command that grades does the intake, puts each snapshot in the store under its sha256 and
sends one small message per submission (`job`); each `grader worker` owns one Docker engine,
grades with the same pipeline as a local run, writes the result folder back to the store at a
fixed key (`store`, `bundles`) and publishes the pipeline's events on a Redis stream of the run
(`event_codec`, `events_stream`), which the command turns into the same progress view and
collects (`dispatch`). The worker's handling of one job is `worker`, its process `serve`; the
Dramatiq wiring is `broker`.
"""
