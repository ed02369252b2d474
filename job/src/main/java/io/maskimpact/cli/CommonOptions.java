package io.maskimpact.cli;

import io.maskimpact.run.JobConf;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every job command shares: where the model, the output and the cluster are. */
public class CommonOptions {

    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face model folder (config.json, *.safetensors, tokenizer.json, ...). "
                    + "Default: the shipped tiny model, " + JobConf.DEFAULT_MODEL_RELATIVE + " (the demo: "
                    + JobConf.DEMO_MODEL_RELATIVE + ").")
    String model;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (a path or a Hadoop URI such as hdfs:// or s3a://).")
    String out;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[4] or spark://host:7077. Default: Spark's own setting, else local[*].")
    String master;

    @Option(names = "--conf", paramLabel = "FILE",
            description = "Job config file (Java properties: <option>=<value>, and spark.* keys for the session); "
                    + "command-line options override it. Example: conf/job-example.properties.")
    String conf;

    void putInto(Map<String, String> cli) {
        Options.put(cli, JobConf.MODEL, model);
        Options.put(cli, JobConf.OUT, out);
        Options.put(cli, JobConf.MASTER, master);
        Options.put(cli, JobConf.CONF, conf);
    }
}
