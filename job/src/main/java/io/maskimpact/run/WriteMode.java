package io.maskimpact.run;

/** What a run does with an output folder that already holds a run. */
public enum WriteMode {
    /** Refuse a folder that holds a run (the default, like Spark's {@code ErrorIfExists}): nothing is replaced by accident. */
    ERROR,
    /** Remove the folder's whole run (tables, metadata, image copies, viewer, CSV, analyses, demo inputs), then write a new one. */
    OVERWRITE,
    /** Add a new run (a new run_id) next to the runs already there. */
    APPEND,
    /** Finish the folder's latest run: skip the pairs it already completed, never duplicate rows. */
    RESUME
}
