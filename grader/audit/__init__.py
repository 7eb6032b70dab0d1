"""Auditing a task's suites: how much of what a submission can get wrong do they notice?

`grader tasks audit TASK` answers it two ways:

- **mutation analysis** (`mutants`, `mutation_run`, `mutation_score`, `mutation_report`): small
  changes (mutants) of the task's reference solution, each served on loopback as the grader
  would serve a submission and judged by the task's reference suites and recorded fuzz cases;
  a mutant the suites let through (it survives) is a mistake a candidate could make unseen;
- **corpus recall** (`corpus`, `corpus_run`): realistic flawed submissions with a ground truth,
  graded through the normal Docker pipeline; a flaw is caught when its criterion loses points.

The mutation engine is Cosmic Ray, not mutmut. The audit needs to list every mutation of a
module and apply one at a time to a copy of the source, then judge the copy with a black-box
HTTP suite of its own. Cosmic Ray's operators work on a parso tree of one module's text
(`Operator.mutation_positions`, `cosmic_ray.mutating.mutate_code(code, operator,
occurrence)`), so a mutant is a plain (module, operator, occurrence) triple applied to text,
and its test step is whatever command the caller runs. mutmut 3 instead compiles every mutant
of a function into "trampolines" chosen at run time through an environment variable that its
own pytest-driven runner sets, with per-test coverage collected by that runner: the mutated
tree imports mutmut itself, and the unit of work is tied to its runner and its in-process
test selection, which a server under test in another process cannot use.
"""
