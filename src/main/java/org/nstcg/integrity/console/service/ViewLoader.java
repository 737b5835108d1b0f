package org.nstcg.integrity.console.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

/**
 * Loads a view's FXML and wires it to a controller built by the caller (with its view-model already injected).
 * The FXML of {@code view.overview.OverviewView} is {@code OverviewView.fxml} beside the class (source folder
 * {@code fxml/overview/}).
 */
public final class ViewLoader {

    private ViewLoader() {
    }

    /** Loads the FXML named after the controller's class; the FXML's {@code fx:controller} must be that class. */
    public static Parent load(Object controller) {
        Class<?> type = controller.getClass();
        URL fxml = type.getResource(type.getSimpleName() + ".fxml");
        if (fxml == null) {
            throw new IllegalStateException("No " + type.getSimpleName() + ".fxml beside " + type.getName());
        }
        FXMLLoader loader = new FXMLLoader(fxml);
        loader.setControllerFactory(requested -> {
            if (!requested.isInstance(controller)) {
                throw new IllegalStateException(fxml + " asks for controller " + requested.getName() + ", not " + type.getName());
            }
            return controller;
        });
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load " + fxml, e);
        }
    }
}
