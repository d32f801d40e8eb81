"""The actors, one module each.  ``ACTORS`` fixes their order; ``STATES`` are those with a relation to Kabul."""

from sim.model.actors.baloch import Baloch
from sim.model.actors.central_asia import Tajikistan, Uzbekistan
from sim.model.actors.china import China
from sim.model.actors.foreign_militants import ForeignMilitants
from sim.model.actors.gulf_turkey import UAE, Qatar, Turkey
from sim.model.actors.india import India
from sim.model.actors.international import International
from sim.model.actors.iran import Iran
from sim.model.actors.iskp import ISKP
from sim.model.actors.pakistan import Pakistan
from sim.model.actors.population import Population
from sim.model.actors.resistance import Resistance
from sim.model.actors.russia import Russia
from sim.model.actors.states import StateActor
from sim.model.actors.taliban import Taliban
from sim.model.actors.ttp import TTP
from sim.model.actors.united_states import UnitedStates

ACTORS = (
    Taliban,
    Pakistan,
    Russia,
    UnitedStates,
    China,
    Iran,
    India,
    Uzbekistan,
    Tajikistan,
    Qatar,
    UAE,
    Turkey,
    International,
    TTP,
    Baloch,
    ISKP,
    ForeignMilitants,
    Resistance,
    Population,
)
STATES = tuple(a.key for a in ACTORS if issubclass(a, StateActor))
ACTOR_KEYS = tuple(a.key for a in ACTORS)
