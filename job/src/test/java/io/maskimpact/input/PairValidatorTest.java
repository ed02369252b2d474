package io.maskimpact.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.analysis.MaskMode;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Manifest rows on the driver: which pairs run, which rows become errors rows, and why. */
class PairValidatorTest {
    private static final URI MANIFEST = URI.create("file:/data/set/manifest.csv");
    private final PairValidator validator = new PairValidator(new ImagePaths(MANIFEST, false), 3, "both", MaskMode.names());

    private static ManifestRow row(int n, String id, String image, String question, String steps, String mode) {
        return new ManifestRow(n, id, image, question, steps, mode);
    }

    @Test
    void validRowsResolveImagesAgainstTheManifestsFolder() {
        PairValidator.Result r = validator.validate(List.of(
                row(1, "a", "img/a.png", " what is it? ", null, null),
                row(2, "b", "/data/set/b.png", "q", "5", "Vision"),
                row(3, "c", "sub/../c.png", "q", "2.0", "text")));
        assertThat(r.rejected()).isEmpty();
        assertThat(r.pairs()).extracting(PairSpec::imageUri)
                .containsExactly("file:/data/set/img/a.png", "file:/data/set/b.png", "file:/data/set/c.png");
        assertThat(r.pairs()).extracting(PairSpec::question).first().isEqualTo("what is it?");
        assertThat(r.pairs()).extracting(PairSpec::maxNewTokens).containsExactly(3, 5, 2);
        assertThat(r.pairs()).extracting(PairSpec::maskMode).containsExactly("both", "vision", "text");
    }

    @Test
    void badRowsAreRejectedWithAStageAndAMessage() {
        PairValidator.Result r = validator.validate(List.of(
                row(1, "a", "a.png", "q", null, null),
                row(2, "a", "a2.png", "q", null, null),
                row(3, " ", "x.png", "q", null, null),
                row(4, "e", "e.png", "  ", null, null),
                row(5, "f", "", "q", null, null),
                row(6, "g", "../../etc/passwd", "q", null, null),
                row(7, "h", "/etc/passwd", "q", null, null),
                row(8, "i", "hdfs://other/x.png", "q", null, null),
                row(9, "j", "j.png", "q", "0", null),
                row(10, "k", "k.png", "q", "lots", null),
                row(11, "l", "l.png", "q", null, "sideways")));
        assertThat(r.pairs()).extracting(PairSpec::pairId).containsExactly("a");
        assertThat(r.rejected()).extracting(p -> p.pairId() + "|" + p.stage()).containsExactly(
                "a|manifest", "null|manifest", "e|prompt", "f|image", "g|image", "h|image", "i|image",
                "j|manifest", "k|manifest", "l|manifest");
        assertThat(r.rejected().get(0).message())
                .isEqualTo("Cannot use pair a of row 2: duplicate pair_id (row 1 has it too; the first is kept)");
        assertThat(r.rejected().get(4).message()).contains("outside the manifest's folder")
                .contains("--allow-external-images");
        assertThat(r.rejected().get(8).message())
                .isEqualTo("Cannot use pair k: max_new_tokens is 'lots' (expected a whole number from 1 to 1024)");
    }

    @Test
    void externalImagesPassWhenAllowed() {
        PairValidator open = new PairValidator(new ImagePaths(MANIFEST, true), 3, "both", MaskMode.names());
        PairValidator.Result r = open.validate(List.of(row(1, "g", "../other/g.png", "q", null, null),
                row(2, "i", "s3a://bucket/i.png", "q", null, null)));
        assertThat(r.rejected()).isEmpty();
        assertThat(r.pairs()).extracting(PairSpec::imageUri).containsExactly("file:/data/other/g.png", "s3a://bucket/i.png");
    }

    @Test
    void rejectionsCarryWhatTheRowSaid() {
        PairValidator.Rejection rejected = validator.validate(List.of(row(1, "x", "x.png", "", null, "vision"))).rejected().get(0);
        assertThat(rejected.message()).isEqualTo("Cannot build prompt for pair x: the question is empty");
        assertThat(rejected).extracting(PairValidator.Rejection::pairId, PairValidator.Rejection::image,
                PairValidator.Rejection::maskMode).containsExactly("x", "x.png", "vision");
    }
}
