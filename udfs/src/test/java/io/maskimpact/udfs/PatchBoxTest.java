package io.maskimpact.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PatchBoxTest {

    @Test
    void cellsTileTheImage() {
        PatchBox b = PatchBox.of(0, 1, 2, 2, 640, 480);
        assertThat(b).isEqualTo(new PatchBox(320, 0, 320, 240, 480, 120));
        PatchBox last = PatchBox.of(5, 5, 6, 6, 336, 336);
        assertThat(last.x() + last.width()).as("the last column ends at the right edge").isEqualTo(336.0);
        assertThat(last.y() + last.height()).as("the last row ends at the bottom edge").isEqualTo(336.0);
    }

    @Test
    void fractionalCellsWhenTheSizeIsNotAMultiple() {
        PatchBox b = PatchBox.of(1, 2, 3, 3, 100, 50);
        assertThat(b.width()).isEqualTo(100.0 / 3);
        assertThat(b.x()).isEqualTo(200.0 / 3);
        assertThat(b.centerY()).isEqualTo(25.0);
    }

    @Test
    void rejectsCellsOutsideTheGrid() {
        assertThatThrownBy(() -> PatchBox.of(6, 0, 6, 6, 336, 336))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot place patch (row 6, col 0) in a 6x6 grid (rows 0..5, cols 0..5)");
        assertThatThrownBy(() -> PatchBox.of(0, 0, 0, 6, 336, 336)).hasMessageContaining("0x6 grid");
        assertThatThrownBy(() -> PatchBox.of(0, 0, 6, 6, 0, 336)).hasMessageContaining("must be positive");
    }
}
