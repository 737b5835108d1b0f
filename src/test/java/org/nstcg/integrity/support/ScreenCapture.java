package org.nstcg.integrity.support;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The tests' one screenshot helper. {@link #save} writes a node as it is now, when the tests run with
 * {@code -Dscreens.dir=DIR} (to look at a screen while changing it), and does nothing otherwise; an instance
 * writes what a scene shows to a PNG once the screen has settled (the screenshot tour), without knowing the screen: settled means no
 * indeterminate progress indicator is showing and the picture stayed the same over {@value #STABLE_FRAMES}
 * snapshots {@value #FRAME_GAP_MS} ms apart (data arrived, nothing animates). A screen that never settles (a
 * spinner that keeps turning) is written as it is after {@value #MAX_WAIT_MS} ms, with a warning in the log.
 *
 * <p>Design note: the snapshot becomes a {@link BufferedImage} by copying its ARGB pixels (a few lines), instead of
 * {@code SwingFXUtils} from {@code javafx-swing}, which would be one more JavaFX artifact to resolve only for this.
 */
public final class ScreenCapture {

    private static final Logger log = LoggerFactory.getLogger(ScreenCapture.class);
    static final int STABLE_FRAMES = 3;
    static final long FRAME_GAP_MS = 400;
    static final long MIN_WAIT_MS = 1200;
    static final long MAX_WAIT_MS = 20_000;

    private static final String NO_CARET = "data:text/css;base64," + Base64.getEncoder().encodeToString(
            ".text-input { -fx-display-caret: false; }".getBytes(StandardCharsets.UTF_8));

    private final Scene scene;

    public ScreenCapture(Scene scene) {
        this.scene = scene;
    }

    /** Waits for the screen to settle, then writes it to {@code file}; returns whether it had settled. */
    public boolean write(Path file) throws Exception {
        long start = System.nanoTime();
        onFx(this::hideCaret);
        sleep(MIN_WAIT_MS);
        int[] last = null;
        int same = 0;
        WritableImage image = null;
        while (true) {
            WaitForAsyncUtils.waitForFxEvents();
            image = onFx(() -> scene.snapshot(null));
            int[] pixels = pixels(image);
            boolean busy = onFx(() -> busy(scene.getRoot()));
            same = !busy && last != null && Arrays.equals(last, pixels) ? same + 1 : 0;
            last = pixels;
            boolean settled = same >= STABLE_FRAMES - 1;
            boolean late = elapsedMs(start) > MAX_WAIT_MS;
            if (settled || late) {
                if (!settled) {
                    log.warn("{} did not settle in {} ms (busy: {}); written as it is", file.getFileName(), MAX_WAIT_MS, busy);
                }
                writePng(image, pixels, file);
                return settled;
            }
            sleep(FRAME_GAP_MS);
        }
    }

    /** Writes {@code node} as it is now to {@code <screens.dir>/<name>.png} when {@code -Dscreens.dir} is set. */
    public static void save(org.testfx.api.FxRobot robot, Node node, String name) {
        String dir = System.getProperty("screens.dir");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WritableImage[] shot = new WritableImage[1];
        robot.interact(() -> shot[0] = node.snapshot(null, null));
        try {
            writePng(shot[0], pixels(shot[0]), Path.of(dir, name + ".png"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A blinking caret would keep a form from ever looking the same twice. Added again before each picture: a theme
     * change replaces the scene's stylesheets.
     */
    private Void hideCaret() {
        if (!scene.getStylesheets().contains(NO_CARET)) {
            scene.getStylesheets().add(NO_CARET);
        }
        return null;
    }

    /** Whether an indeterminate progress indicator (spinner, busy bar, masker) shows somewhere under {@code node}. */
    static boolean busy(Node node) {
        if (!node.isVisible() || node.getOpacity() == 0) {
            return false;
        }
        if (node instanceof ProgressIndicator p && p.isIndeterminate()) {
            return true;
        }
        if (node instanceof Parent parent) {
            for (Node child : parent.getChildrenUnmodifiable()) {
                if (busy(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int[] pixels(WritableImage image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        int[] argb = new int[w * h];
        image.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        return argb;
    }

    private static void writePng(WritableImage image, int[] argb, Path file) throws IOException {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        // RGB, not ARGB: the scene is opaque, and the files come out smaller.
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, argb, 0, w);
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(out, "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> work) throws ExecutionException, InterruptedException, TimeoutException {
        return WaitForAsyncUtils.asyncFx(work).get(30, TimeUnit.SECONDS);
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }
}
