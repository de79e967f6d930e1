"""DNS for appmgr: the dnspython adapter, DNS failover (SPEC F-9.4) and the DFO log.

Only :mod:`core.dns.adapter` imports dnspython; import it explicitly. This
package deliberately re-exports nothing so that importing the failover logic
(:mod:`core.dns.failover`) never loads dnspython.
"""
