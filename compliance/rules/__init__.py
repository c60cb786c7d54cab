"""The rules of the deal: the earn-out (SPA 4-5), the late-release penalty (SPA 8.2), PRC business days and deadlines. Pure functions of the contract terms and explicit dates."""
