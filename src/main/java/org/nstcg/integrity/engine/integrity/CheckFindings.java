package org.nstcg.integrity.engine.integrity;

import java.util.List;

/**
 * What one check found: how many findings in all, and at most the first {@code limit} of them.
 *
 * @param total    every finding, even those not kept
 * @param findings the findings kept, in the check's order
 */
public record CheckFindings(long total, List<Finding> findings) {

    public CheckFindings {
        findings = List.copyOf(findings);
        if (total < findings.size()) {
            throw new IllegalArgumentException("total " + total + " is below the " + findings.size() + " findings kept");
        }
    }

    public static CheckFindings none() {
        return new CheckFindings(0, List.of());
    }
}
