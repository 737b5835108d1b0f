package org.nstcg.integrity.console.theme;

import java.net.URL;
import java.util.List;
import java.util.Objects;
import javafx.application.Application;
import javafx.scene.Scene;

/**
 * The console's look: an AtlantaFX base theme (the controls) plus our stylesheets, layered as
 * tokens &lt; theme tokens &lt; base &lt; components. Only the token layer differs between light and dark.
 *
 * <p>Design note: AtlantaFX 2.1.0's classes are compiled for Java 21, so on our Java 17 baseline we use only its
 * stylesheets, which are plain resources of the jar ({@code atlantafx/base/theme/primer-light.css}); no AtlantaFX
 * class is loaded.
 */
public enum ConsoleTheme {
    LIGHT("/atlantafx/base/theme/primer-light.css", "themes/light.css"),
    DARK("/atlantafx/base/theme/primer-dark.css", "themes/dark.css");

    private static final String OUR_CSS = "/org/nstcg/integrity/console/css/";
    /** Shared stylesheets after the theme's tokens, relative to our css resource folder. */
    private static final List<String> SHARED = List.of("base.css", "components/shell.css", "components/overview.css",
            "components/connect.css", "components/placeholder.css", "components/signin.css", "components/duplicates.css",
            "components/sagas.css", "components/cache.css", "components/users.css", "components/repairs.css",
            "components/audit.css", "components/accounts.css", "components/bulk.css");

    private final String controlsStylesheet;
    private final String tokens;

    ConsoleTheme(String controlsStylesheet, String tokens) {
        this.controlsStylesheet = controlsStylesheet;
        this.tokens = tokens;
    }

    /** Applies this theme to the application's controls and to the scene's stylesheets. */
    public void apply(Scene scene) {
        Application.setUserAgentStylesheet(resource(controlsStylesheet));
        scene.getStylesheets().setAll(resource(OUR_CSS + "tokens.css"), resource(OUR_CSS + tokens));
        SHARED.forEach(name -> scene.getStylesheets().add(resource(OUR_CSS + name)));
    }

    private static String resource(String path) {
        URL url = ConsoleTheme.class.getResource(path);
        return Objects.requireNonNull(url, () -> "missing stylesheet " + path).toExternalForm();
    }
}
