package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;

/**
 * Values of {@code referral_code_seq}, fetched in blocks so most registrations need no round trip for them.
 * Every value is still drawn from the database sequence, so values are unique across instances; a block left
 * unused when an instance stops only leaves a gap, which costs nothing.
 */
final class ReferralSequence {

    private static final int BLOCK = 32;
    private final ArrayDeque<Long> values = new ArrayDeque<>(BLOCK);

    long next(javax.sql.DataSource dataSource) {
        synchronized (this) {
            if (!values.isEmpty()) {
                return values.poll();
            }
        }
        try (Connection c = dataSource.getConnection()) {
            return next(c);
        } catch (SQLException e) {
            throw new IllegalStateException("could not draw referral code sequence values: " + e.getMessage(), e);
        }
    }

    synchronized long next(Connection c) {
        if (values.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT nextval('referral_code_seq') FROM generate_series(1, ?)")) {
                ps.setInt(1, BLOCK);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        values.add(rs.getLong(1));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not draw referral code sequence values: " + e.getMessage(), e);
            }
        }
        return values.poll();
    }
}
