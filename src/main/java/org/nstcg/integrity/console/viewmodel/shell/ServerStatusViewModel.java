package org.nstcg.integrity.console.viewmodel.shell;

import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.nstcg.integrity.engine.ServerHealth;

/** One server in the status bar: "PostgreSQL 17.11 · embedded · 127.0.0.1:5433", whether it is up, and why not. */
public final class ServerStatusViewModel {

    private final StringProperty text;
    private final BooleanProperty up = new SimpleBooleanProperty(true);
    private final StringProperty problem = new SimpleStringProperty("");

    ServerStatusViewModel(String serverName) {
        this.text = new SimpleStringProperty(serverName + " · checking…");
    }

    void show(ServerHealth health) {
        String mode = health.mode().name().toLowerCase(Locale.ROOT);
        String name = health.version().map(v -> health.name() + " " + v).orElse(health.name());
        String state = health.up() ? "" : " · down";
        text.set(name + " · " + mode + " · " + health.endpoint() + state);
        up.set(health.up());
        problem.set(health.problem().orElse(""));
    }

    void showUnknown(String why) {
        up.set(false);
        problem.set(why);
    }

    public ReadOnlyStringProperty textProperty() {
        return text;
    }

    public ReadOnlyBooleanProperty upProperty() {
        return up;
    }

    /** What is wrong and what to do, when the server is down; empty when it is up. */
    public ReadOnlyStringProperty problemProperty() {
        return problem;
    }
}
