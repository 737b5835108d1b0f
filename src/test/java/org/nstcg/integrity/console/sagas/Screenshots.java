package org.nstcg.integrity.console.sagas;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javafx.scene.Node;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.testfx.api.FxRobot;

/** Writes a node as a PNG when {@code -Dscreenshots=DIR} is set (to look at a screen); does nothing otherwise. */
public final class Screenshots {

    private Screenshots() {
    }

    public static void take(FxRobot robot, Node node, String name) {
        String dir = System.getProperty("screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WritableImage[] shot = new WritableImage[1];
        robot.interact(() -> {
            shot[0] = node.snapshot(null, null);
        });
        WritableImage image = shot[0];
        PixelReader pixels = image.getPixelReader();
        BufferedImage out = new BufferedImage((int) image.getWidth(), (int) image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        try {
            ImageIO.write(out, "png", Path.of(dir, name + ".png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
