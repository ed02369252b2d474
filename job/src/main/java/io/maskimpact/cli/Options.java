package io.maskimpact.cli;

import java.util.Map;

/** Helpers for turning option fields into the command-line layer of {@link io.maskimpact.run.JobConf}. */
public final class Options {

    private Options() {
    }

    /** Adds a value given on the command line; absent options stay absent so lower layers apply. */
    public static void put(Map<String, String> cli, String key, Object value) {
        if (value != null) {
            cli.put(key, value.toString());
        }
    }
}
