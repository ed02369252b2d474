"""Helpers shared by the mask-impact notebooks: a Spark session with the mask-impact SQL functions,
and a run folder's tables as temporary views (the same views as `./submit.sh query`).

    from mask_impact import spark_session, open_run
    spark = spark_session("my analysis")
    open_run(spark, "../output/demo")
    spark.sql("SELECT layer, avg(l2_distance) FROM impact GROUP BY layer").show()

Table and folder names come from the contract's single source, the Java class
io.maskimpact.schema.OutputSchema in the functions jar (read through py4j), so they cannot drift
from what the job writes.
"""
import glob
import os

from pyspark.sql import SparkSession

NOTEBOOKS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(NOTEBOOKS)


def udfs_jar():
    """The mask-impact functions jar built by Maven (`mvn -q -B package -pl udfs -DskipTests`)."""
    pattern = os.path.join(REPO, "udfs", "target", "mask-impact-udfs-*.jar")
    jars = sorted(j for j in glob.glob(pattern) if not j.endswith(("-sources.jar", "-javadoc.jar", "-tests.jar")))
    if not jars:
        raise FileNotFoundError("No functions jar at %s: build it with `mvn -q -B package -pl udfs -DskipTests` in %s"
                                % (pattern, REPO))
    return jars[-1]


def spark_session(app_name, master="local[*]"):
    """Starts (or joins) a Spark session with the functions jar and its SQL extension.

    The extension registers mi_normalize, mi_top_tokens, mi_token_class and mi_patch_box in every
    session of the application. Settings take effect only if no session was running yet.
    """
    return (SparkSession.builder
            .appName(app_name)
            .master(master)
            .config("spark.jars", udfs_jar())
            .config("spark.sql.extensions", "io.maskimpact.udfs.MaskImpactExtensions")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def _has_data(path):
    return bool(glob.glob(os.path.join(path, "**", "*.parquet"), recursive=True))


def open_run(spark, run):
    """Registers a run folder's tables as temporary views and returns their names.

    impact, effects (a run with `--effects`), pairs, steps, errors, and after `./submit.sh analyze`
    layer_summary, token_clusters and cluster_profiles; with effects, also the view impact_effects
    (impact joined with effects on (run, pair, step, token), defined by io.maskimpact.schema.RunViews). Parquet tables are read directly; Delta tables (`--format delta`) need the
    delta-spark package in the session. A table with no data file is left out.
    """
    schema = spark._jvm.io.maskimpact.schema.OutputSchema
    tables = [(t, t) for t in schema.TABLES]
    tables += [(t, schema.ANALYSIS_DIR + "/" + t) for t in schema.ANALYSIS_TABLES]
    opened = []
    for view, relative in tables:
        path = os.path.join(run, relative)
        if os.path.isdir(os.path.join(path, "_delta_log")):
            df = spark.read.format("delta").load(path)
        elif os.path.isdir(path) and _has_data(path):
            df = spark.read.parquet(path)
        else:
            continue
        df.createOrReplaceTempView(view)
        opened.append(view)
    if schema.IMPACT not in opened:
        raise FileNotFoundError("%s is not a finished run: no %s/ table (run `./submit.sh demo` first?)"
                                % (run, schema.IMPACT))
    if schema.EFFECTS in opened:
        views = spark._jvm.io.maskimpact.schema.RunViews
        spark.sql(views.createImpactEffects())
        opened.append(views.IMPACT_EFFECTS)
    return opened


def safe_label(text, limit=24):
    """Token text for a plot label: untrusted, so control characters are escaped, '$' cannot start
    matplotlib mathtext, and long tokens are cut."""
    if text is None:
        return ""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0:
            out.append("\\x%02x" % ord(ch))
        elif ch == "$":
            out.append("\\$")
        else:
            out.append(ch)
    label = "".join(out)
    return label if len(label) <= limit else label[:limit - 1] + "\u2026"
