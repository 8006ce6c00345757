// The sign-in form: where to go afterwards (this page is also what any page answers with
// when nobody is signed in), and why the last attempt failed.
const params = new URLSearchParams(location.search);
const here = location.pathname === "/login" ? "" : location.pathname + location.search;
const next = params.get("next") ?? (here || "/");
document.getElementById("next").value = next.startsWith("/") && !next.startsWith("//") ? next : "/";
if (params.has("failed")) document.getElementById("failed").hidden = false;
