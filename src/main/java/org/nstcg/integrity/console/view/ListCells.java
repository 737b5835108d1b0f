package org.nstcg.integrity.console.view;

import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;

/** List cells for sentences: a long one wraps onto more lines within the list's width instead of running off to the side. */
public final class ListCells {

    /** Cell padding and the vertical scroll bar, kept free of text. */
    private static final double MARGIN = 28;

    private ListCells() {
    }

    /** Every item of {@code list} wraps within its width. */
    public static void wrapping(ListView<String> list) {
        list.setCellFactory(l -> new ListCell<>() {
            {
                setWrapText(true);
                prefWidthProperty().bind(l.widthProperty().subtract(MARGIN));
                setMaxWidth(USE_PREF_SIZE);
            }

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
            }
        });
    }
}
