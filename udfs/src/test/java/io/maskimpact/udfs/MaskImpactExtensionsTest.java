package io.maskimpact.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The functions in a session started with {@code spark.sql.extensions}, as in the spark-sql shell. */
class MaskImpactExtensionsTest extends SparkSqlTestBase {

    @Override
    protected SparkSession.Builder configure(SparkSession.Builder builder) {
        return builder.config("spark.sql.extensions", MaskImpactExtensions.class.getName());
    }

    @Test
    void everyFunctionIsThereWithoutARegisterCall() {
        ImpactFixture.register(spark);
        assertThat(scalar("SELECT mi_token_class('the')")).isEqualTo("stopword");
        assertThat(scalar("SELECT mi_patch_box(0, 0, 1, 1, 10, 20).height")).isEqualTo(20.0);
        assertThat(scalar("SELECT max(n) FROM (SELECT mi_normalize(l2_distance) AS n FROM impact)")).isEqualTo(1.0);
        assertThat(sql("SELECT mi_top_tokens(token_masked, l2_distance, 1) FROM impact").get(0).getList(0))
                .hasSize(1);
    }

    @Test
    void newSessionsOfTheApplicationHaveThemToo() {
        SparkSession other = spark.newSession();
        assertThat(other.sql("SELECT mi_token_class('?')").first().getString(0)).isEqualTo("punctuation");
    }
}
