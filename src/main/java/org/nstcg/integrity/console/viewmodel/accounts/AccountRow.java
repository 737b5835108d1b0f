package org.nstcg.integrity.console.viewmodel.accounts;

import org.nstcg.integrity.engine.account.Account;

/**
 * One account as the table shows it.
 *
 * @param status    "Active", "Locked until 14:32", "Disabled"
 * @param lastSignIn "3 min ago", or "Never"
 */
public record AccountRow(Account account, String username, String displayName, String role, String status,
                         String lastSignIn, boolean locked) {
}
