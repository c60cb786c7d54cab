"""The rules of the deal, as pure functions of the contract terms and explicit dates: the earn-out (SPA 4,
5), the late-release penalty (SPA 8.2), PRC business days and the deadlines (SPA 5.1, EA 3.2)."""
