package io.maskimpact.run;

/** What a run does with an output folder that already holds a run. */
public enum WriteMode {
    /** Replace everything in the folder (only a mask-impact output folder or an empty one). */
    OVERWRITE,
    /** Add a new run (a new run_id) next to the runs already there. */
    APPEND,
    /** Finish the folder's latest run: skip the pairs it already completed, never duplicate rows. */
    RESUME
}
