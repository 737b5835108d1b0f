package org.nstcg.integrity.engine.dedup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Full contents of tables, row by row as text, ordered by primary key, leaving out the columns named. */
final class TableSnapshot {

    private TableSnapshot() {
    }

    static Map<String, List<String>> of(Connection c, Map<String, String> tablesAndOrder, Set<String> skippedColumns) throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> t : tablesAndOrder.entrySet()) {
            List<String> rows = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + t.getKey() + " ORDER BY " + t.getValue())) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String col = md.getColumnName(i);
                        if (skippedColumns.contains(t.getKey() + "." + col)) {
                            continue;
                        }
                        sb.append(col).append('=').append(rs.getString(i)).append(' ');
                    }
                    rows.add(sb.toString());
                }
            }
            out.put(t.getKey(), rows);
        }
        return out;
    }
}
