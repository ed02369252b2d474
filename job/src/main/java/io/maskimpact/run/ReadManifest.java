package io.maskimpact.run;

import io.maskimpact.analysis.MaskMode;
import io.maskimpact.input.ImagePaths;
import io.maskimpact.input.ManifestException;
import io.maskimpact.input.ManifestReader;
import io.maskimpact.input.ManifestRow;
import io.maskimpact.input.PairValidator;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Step 3 of a run: read the manifest and check its rows (see {@link ManifestReader} and
 * {@link PairValidator}); {@code --limit N} keeps the first N rows before the checks.
 *
 * <p>Cost: one small Spark job; the rows are collected to the driver.
 */
final class ReadManifest {

    private ReadManifest() {
    }

    static PairValidator.Result run(SparkSession spark, JobConf conf) throws RunSetupException {
        if (conf.manifest() == null) {
            throw RunErrors.missingSetting(JobConf.MANIFEST, "run");
        }
        List<ManifestRow> rows;
        java.net.URI manifestUri;
        try {
            rows = ManifestReader.read(spark, conf.manifest());
            Path p = new Path(conf.manifest());
            manifestUri = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toUri();
        } catch (ManifestException e) {
            throw new RunSetupException(e.getMessage(), e);
        } catch (IOException e) {
            throw new RunSetupException("Cannot read manifest " + conf.manifest() + ": " + e.getMessage(), e);
        }
        if (conf.limit() > 0 && rows.size() > conf.limit()) {
            rows = rows.subList(0, conf.limit());
        }
        PairValidator validator = new PairValidator(new ImagePaths(manifestUri, conf.allowExternalImages()),
                conf.analysis().maxNewTokens(), conf.analysis().maskMode().columnValue(), MaskMode.names());
        return validator.validate(rows);
    }
}
