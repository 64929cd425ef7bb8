// Test users of the local provider. Pictures are SVG data URIs, so nothing is fetched
// from the internet. `connection` says which login page accepts the user.

function avatar(initials, color) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">`
    + `<circle cx="48" cy="48" r="48" fill="${color}"/>`
    + `<text x="48" y="60" font-family="sans-serif" font-size="36" font-weight="700" `
    + `fill="#fff" text-anchor="middle">${initials}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

export const USERS = [
  {
    login: 'ada',
    password: 'ada-password',
    // The one-time code of her second factor (a step-up asks for it).
    otp: '123456',
    connection: 'Username-Password-Authentication',
    claims: {
      sub: 'auth0|ada',
      name: 'Ada Lovelace',
      nickname: 'ada',
      email: 'ada@example.com',
      email_verified: true,
      picture: avatar('AL', '#4338ca'),
    },
  },
  {
    login: 'grace',
    password: 'grace-password',
    connection: 'Username-Password-Authentication',
    claims: {
      sub: 'auth0|grace',
      name: 'Grace Hopper',
      nickname: 'grace',
      email: 'grace@example.com',
      email_verified: false,
      picture: avatar('GH', '#047857'),
    },
  },
  {
    login: 'octocat',
    password: 'octocat-password',
    connection: 'github',
    claims: {
      sub: 'github|583231',
      name: 'The Octocat',
      nickname: 'octocat',
      email: 'octocat@example.com',
      email_verified: true,
      picture: avatar('OC', '#24292f'),
    },
  },
];

/** The connections the provider accepts, as an Auth0 tenant would have enabled. */
export const CONNECTIONS = ['Username-Password-Authentication', 'github'];

export function findUser(login, password, connection) {
  const user = USERS.find((u) => u.login === login && u.connection === connection);
  return user && user.password === password ? user : undefined;
}

export function findBySub(sub) {
  return USERS.find((u) => u.claims.sub === sub);
}
