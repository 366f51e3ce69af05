"""The kata engine: one small module per concern, imported in this order and never backwards.

    discovery  katas, their metadata and the names a learner may type for them
    stubs      the learner's stub generated from the reference solution
    manifest   hashes of every file that decides a grade, and each kata's expected tests
    backups    writing a learner's file safely: reset, undo, saved copies
    hints      the README's hint ladders and how far a learner has climbed them
    integrity  shortcuts a grade must not trust: added configuration, imports of the machinery
    impls      a solution, stub or mistake loaded in place of the learner's file (the check)
    running    pytest in a warm fork (or a cold process), outcomes collected out of reach
    grading    each kata's state from a run: todo, in progress, wrong, passed, and flags
    reports    the board, JSON, Markdown, annotations and the README catalogue
    reveal     the reference solution as a diff, once a kata passes
    watch      re-run on save, with hints and the next kata at a key press
    doctor     what is wrong with the environment, with a one-line fix each
    cli        the scripts' command line

Everything before `running` uses the standard library alone, so listing, stubs, hints and reset
work before .venv exists and start instantly; `running` imports pytest (and torch) only in the
functions that run tests.
"""
