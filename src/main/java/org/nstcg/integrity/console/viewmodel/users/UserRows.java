package org.nstcg.integrity.console.viewmodel.users;

/** The rows of the Users screen's tables, as display strings (views bind them without knowing the engine). */
public final class UserRows {

    private UserRows() {
    }

    /** A search result. */
    public record Match(long id, String name, String email, String code, String status, String points, String why) {
    }

    /** A points ledger entry. */
    public record Ledger(String at, String delta, String reason, String saga) {
    }

    /** Another user: the referrer, a referee. */
    public record Person(long id, String name, String email, String status, String code) {
    }

    /** A merge the user took part in. */
    public record Merge(String id, String what, String status, String by, String reason) {
    }

    /** A saga that touched the user. */
    public record Saga(String at, String type, String status, String how, String id) {
    }

    /** An audit entry about the user. */
    public record Audit(String at, String actor, String action, String details) {
    }
}
