package org.nstcg.integrity.console.viewmodel.shell;

/** The honest empty state of a screen that is not built yet: its name and what it will do. */
public final class PlaceholderViewModel implements PageViewModel {

    private final Feature feature;

    public PlaceholderViewModel(Feature feature) {
        this.feature = feature;
    }

    /** "Sagas arrives in a later release". */
    public String headline() {
        return feature.title() + " arrives in a later release";
    }

    /** What the screen will do, in one sentence. */
    public String purpose() {
        return feature.purpose();
    }
}
